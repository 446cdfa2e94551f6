package dev.gort.net;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression: a goroutine's 1 ms sleeps beside a goroutine parked in accept. The timer sleeper
 * M blocks in netpoll; a new timer breaks that poll, and a non-blocking selectNow by another M
 * used to swallow the break (NIO clears a pending wakeup), leaving the sleeper in select() for
 * good. It hung within the first 400 sleeps every time before the fix (Netpoll.breakPending).
 */
@org.junit.jupiter.api.extension.ExtendWith(FdLeakCheck.class)
@Timeout(120)
class SleepBesideNetWaiterTest {
    @Test
    void sleepsBesideAParkedAcceptNeverHang() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (GortRuntime rt = GortRuntime.builder().name("sleep-net").gomaxprocs(2).build()) {
                TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0));
                rt.go(() -> {
                    try {
                        l.accept();
                    } catch (Exception e) {
                        // closed below
                    }
                });
                int done = rt.run(() -> {
                    int n = 0;
                    for (int i = 0; i < 500; i++) {
                        Gort.sleep(Duration.ofMillis(1));
                        n++;
                    }
                    return n;
                });
                assertEquals(500, done);
                l.close();
            }
        }
    }
}
