package dev.gort.net;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Stress for the poller's registrations: connections opened, used once and closed as fast as 16
 * goroutines can, so that descriptors, the epoll poller's table slots and their sequence numbers
 * are reused all the time while Ms and sysmon poll (a slot freed and taken again must not lose
 * its new owner's wake-up; a late event for a closed descriptor must not wake anybody). Runs on
 * both pollers with the rest of the network tests. Every round trip must complete.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class ConnectionChurnStressTest {

    @Test
    void connectionsOpenedAndClosedWhilePollsRunLoseNoWakeUp() throws Exception {
        int clients = 16, perClient = 500;
        AtomicInteger done = new AtomicInteger();
        try (GortRuntime rt = GortRuntime.builder().name("churn").gomaxprocs(2).build()) {
            Bounded.run(rt, "churn", Duration.ofSeconds(90), () -> "\n" + rt.schedtrace(true) + "\n" + rt.goroutineDump(), () -> {
                try (TcpListener l = TcpListener.listen(0)) {
                    Gort.go(() -> { // the server: a goroutine per connection echoes until EOF
                        try {
                            for (;;) {
                                TcpConn c = l.accept();
                                Gort.go(() -> {
                                    ByteBuffer b = ByteBuffer.allocate(64);
                                    try (c) {
                                        for (;;) {
                                            b.clear();
                                            if (c.read(b) < 0) return;
                                            b.flip();
                                            c.write(b);
                                        }
                                    } catch (java.io.IOException e) {
                                        // the client went away
                                    }
                                });
                            }
                        } catch (java.io.IOException e) {
                            // the listener closed at the end
                        }
                    });
                    WaitGroup wg = new WaitGroup();
                    wg.add(clients);
                    for (int k = 0; k < clients; k++) {
                        int id = k;
                        Gort.go(() -> {
                            try {
                                ByteBuffer out = ByteBuffer.allocate(8), in = ByteBuffer.allocate(8);
                                for (int i = 0; i < perClient; i++) {
                                    try (TcpConn c = TcpConn.dial("127.0.0.1", l.port())) {
                                        out.clear().putInt(id).putInt(i).flip();
                                        c.write(out);
                                        in.clear();
                                        while (in.hasRemaining()) {
                                            if (c.read(in) < 0) throw new AssertionError("EOF before the echo");
                                        }
                                        in.flip();
                                        assertEquals(id, in.getInt());
                                        assertEquals(i, in.getInt());
                                        done.incrementAndGet();
                                    }
                                }
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            } finally {
                                wg.done();
                            }
                        });
                    }
                    wg.await();
                }
                return null;
            });
        }
        assertEquals(clients * perClient, done.get());
    }
}
