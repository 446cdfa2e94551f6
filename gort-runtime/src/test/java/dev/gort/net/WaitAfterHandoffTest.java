package dev.gort.net;

import dev.gort.GortRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A goroutine that runs 150 ms without a checkpoint loses its P to sysmon (a runaway hand-off),
 * then parks in accept on its P-less M, which stops without reaching findrunnable. Somebody must
 * still poll the network: the waiter wakes the poller itself (it is not on an M with a P), and
 * sysmon does not deep-sleep while waiters have no poller. Found by the echo benchmark: accept
 * never returned (5 of 5 runs) with every P idle and sysmon asleep.
 */
@org.junit.jupiter.api.extension.ExtendWith(FdLeakCheck.class)
@Timeout(60)
class WaitAfterHandoffTest {
    @Test
    void acceptAfterARunawayHandoffStillCompletes() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().name("handoff-then-accept").gomaxprocs(2).build()) {
            TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0));
            CompletableFuture<String> accepted = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    rt.run(() -> {
                        long x = 1, end = System.nanoTime() + 150_000_000L;
                        while (System.nanoTime() < end) x ^= x << 13; // no checkpoint: a runaway
                        if (x == 42) System.out.print("");
                        try (TcpConn c = l.accept()) {
                            accepted.complete(String.valueOf(c.remoteAddress()));
                        }
                        return null;
                    });
                } catch (Throwable e) {
                    accepted.completeExceptionally(e);
                }
            });
            Thread.sleep(500); // the goroutine is parked in accept by now
            try (Socket s = new Socket("127.0.0.1", l.port())) {
                String who = accepted.get(10, TimeUnit.SECONDS); // 10-20 ms normally
                assertNotNull(who);
            } catch (java.util.concurrent.TimeoutException e) {
                fail("accept did not return within 10 s of the connection: " + rt.schedtrace(true));
            } finally {
                l.close();
            }
        }
    }
}
