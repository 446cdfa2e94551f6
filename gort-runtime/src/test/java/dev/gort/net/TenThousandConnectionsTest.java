package dev.gort.net;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Ten thousand connections open at once in one runtime at GOMAXPROCS=2: an echo server with a
 * goroutine per connection, a client goroutine per connection. Every client connects and the
 * server accepts them all; then (all connections open) each client writes a distinct 64-byte
 * message and reads back the same bytes. Each connection costs two descriptors in this process
 * (both ends), so the count is cut to what RLIMIT_NOFILE's hard limit allows, and the output
 * says so. No runtime timer is involved: every wait is on a WaitGroup.
 */
@Timeout(300)
class TenThousandConnectionsTest {
    static final int WANTED = 10_000, MSG = 64, SLACK = 200;
    /** How long the whole exchange may take before the test fails with the scheduler's state. */
    static final Duration STALL = Duration.ofSeconds(45); // a normal run takes 2-5 s

    GortRuntime rt;

    @Test
    void tenThousandEchoConnectionsAtOnce() throws Exception {
        Assumptions.assumeTrue(Rlimit.supported(), "RLIMIT_NOFILE through FFM is laid out for 64-bit Linux only");
        Assumptions.assumeTrue(FdCount.now() >= 0, "no /proc/self/fd to count descriptors");
        FdCount.warmUpJdk();
        int fdsBefore = FdCount.now();
        long oldSoft = Rlimit.soft(), hard = Rlimit.hard();
        long usableHard = hard < 0 ? Long.MAX_VALUE : hard;
        int n = (int) Math.min(WANTED, (usableHard - fdsBefore - SLACK) / 2);
        if (n < 1000) {
            Assumptions.abort("the descriptor hard limit is " + hard + " with " + fdsBefore + " open: room for only " + n
                    + " connections (each needs 2 descriptors, plus " + SLACK + " slack); " + WANTED
                    + " need a hard limit of about " + (2 * WANTED + SLACK + fdsBefore));
        }
        String scope = n < WANTED
                ? "ran " + n + " connections, not " + WANTED + ", because the descriptor hard limit is " + hard
                        + " (" + fdsBefore + " open, 2 per connection, " + SLACK + " slack)"
                : "ran " + n + " connections";
        System.out.println("TenThousandConnectionsTest: " + scope);
        long needed = fdsBefore + 2L * n + SLACK;
        boolean raised = oldSoft >= 0 && oldSoft < needed;
        if (raised) Rlimit.setSoft(hard < 0 ? needed : hard);

        long t0 = System.nanoTime();
        long[] phases = new long[3];
        int[] peak = new int[1];
        AtomicInteger accepted = new AtomicInteger(), echoed = new AtomicInteger();
        rt = GortRuntime.builder().name("c10k").gomaxprocs(2).build();
        boolean terminated = false;
        try {
            TcpListener l = bounded("listen", () -> TcpListener.listen("127.0.0.1", 0));
            WaitGroup servers = new WaitGroup(), acceptedAll = new WaitGroup();
            acceptedAll.add(n);
            AtomicReference<Throwable> serverFail = new AtomicReference<>();
            try {
                servers.add(1);
                rt.go(() -> {
                    try {
                        for (;;) {
                            TcpConn c = l.accept();
                            if (accepted.incrementAndGet() <= n) acceptedAll.done();
                            servers.add(1);
                            Gort.go(() -> {
                                try {
                                    echo(c);
                                } catch (IOException e) {
                                    serverFail.compareAndSet(null, e);
                                } finally {
                                    servers.done();
                                }
                            });
                        }
                    } catch (NetClosedException e) {
                        // listener closed: done
                    } catch (Throwable t) {
                        serverFail.compareAndSet(null, t);
                        int left = acceptedAll.count();
                        if (left > 0) acceptedAll.add(-left); // nobody waits for the rest
                    } finally {
                        servers.done();
                    }
                });
                int port = l.port();
                bounded("connect and echo", () -> {
                    WaitGroup connected = new WaitGroup(), start = new WaitGroup(), finished = new WaitGroup();
                    AtomicReference<Throwable> fail = new AtomicReference<>();
                    AtomicInteger dialFailures = new AtomicInteger();
                    start.add(1);
                    connected.add(n);
                    finished.add(n);
                    for (int i = 0; i < n; i++) {
                        int id = i;
                        Gort.go(() -> {
                            TcpConn c = null;
                            try {
                                try {
                                    c = TcpConn.dial("127.0.0.1", port);
                                } finally {
                                    connected.done();
                                }
                                start.await(); // every connection is open before any is used
                                byte[] msg = message(id);
                                c.write(msg);
                                byte[] back = new byte[MSG];
                                int off = 0;
                                while (off < MSG) {
                                    int r = c.read(back, off, MSG - off);
                                    if (r < 0) throw new IOException("client " + id + ": EOF after " + off + " bytes");
                                    off += r;
                                }
                                for (int k = 0; k < MSG; k++) {
                                    if (back[k] != msg[k]) {
                                        throw new AssertionError("client " + id + ": byte " + k + " is " + back[k] + ", sent " + msg[k]);
                                    }
                                }
                                echoed.incrementAndGet();
                            } catch (Throwable t) {
                                if (c == null) dialFailures.incrementAndGet();
                                fail.compareAndSet(null, t);
                            } finally {
                                if (c != null) {
                                    try {
                                        c.close();
                                    } catch (IOException ignored) {
                                        // closed
                                    }
                                }
                                finished.done();
                            }
                        });
                    }
                    connected.await();
                    phases[0] = System.nanoTime();
                    if (fail.get() != null) {
                        start.done();
                        finished.await();
                        throw new AssertionError(dialFailures.get() + " of " + n + " dials failed; first: " + fail.get(), fail.get());
                    }
                    // every client holds its connection; wait for the server to have accepted them all
                    acceptedAll.await();
                    if (serverFail.get() != null) {
                        start.done();
                        finished.await();
                        throw new AssertionError("accept failed after " + accepted.get() + " of " + n + ": " + serverFail.get(), serverFail.get());
                    }
                    peak[0] = FdCount.now();
                    phases[1] = System.nanoTime();
                    start.done();
                    finished.await();
                    phases[2] = System.nanoTime();
                    if (fail.get() != null) throw new AssertionError("echo failed: " + fail.get(), fail.get());
                    assertEquals(n, accepted.get(), "connections accepted");
                    return null;
                });
            } finally {
                l.close();
            }
            bounded("server goroutines' end", () -> {
                servers.await(); // the accept loop and every echo goroutine ended
                return null;
            });
            assertNull(serverFail.get(), () -> "server failed: " + serverFail.get());
            assertEquals(n, echoed.get(), "connections that echoed all " + MSG + " bytes");
            assertTrue(peak[0] >= fdsBefore + 2 * n, "only " + peak[0] + " descriptors open with " + n
                    + " connections supposedly open at once (" + fdsBefore + " before)");
        } finally {
            rt.shutdownNow();
            terminated = rt.awaitTermination(Duration.ofSeconds(10)); // not close(): it waits without limit
            if (raised) Rlimit.setSoft(oldSoft);
        }
        assertTrue(terminated, () -> "the runtime did not terminate in 10 s after shutdownNow" + state());
        assertEquals(oldSoft, Rlimit.soft(), "soft limit not restored");
        int after = FdCount.settle(fdsBefore);
        assertTrue(after <= fdsBefore, "descriptors leaked: " + fdsBefore + " before, " + after + " after: " + FdCount.describe());
        System.out.printf("TenThousandConnectionsTest: %s at GOMAXPROCS=2: all connected in %.2f s, all accepted %.2f s later "
                        + "(%d descriptors open at the peak), %d echoes of %d bytes, every byte checked, in %.2f s; %.1f s in all%n",
                scope, (phases[0] - t0) / 1e9, (phases[1] - phases[0]) / 1e9, peak[0], n, MSG, (phases[2] - phases[1]) / 1e9,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Runs body as rt's main goroutine; fails with the state of the scheduler and its threads after {@link #STALL}. */
    private <T> T bounded(String what, Callable<T> body) throws Exception {
        return Bounded.run(rt, what, STALL, this::state, body);
    }

    /** schedtrace and the stacks of the runtime's threads (not the goroutines': too many). */
    private String state() {
        StringBuilder sb = new StringBuilder("\n").append(rt.schedtrace(false)).append('\n');
        sb.append("goroutines: ").append(rt.numGoroutine()).append('\n');
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (!e.getKey().getName().startsWith("gort")) continue;
            sb.append(e.getKey()).append(' ').append(e.getKey().getState()).append('\n');
            for (StackTraceElement f : e.getValue()) sb.append("    at ").append(f).append('\n');
        }
        return sb.toString();
    }

    /** 64 bytes that differ for every id: the id in the first four, then a pattern seeded by it. */
    static byte[] message(int id) {
        byte[] m = new byte[MSG];
        ByteBuffer.wrap(m).putInt(id);
        for (int k = 4; k < MSG; k++) m[k] = (byte) (id * 31 + k * 7 + (id >>> 8));
        return m;
    }

    private static void echo(TcpConn c) throws IOException {
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(256);
            for (;;) {
                buf.clear();
                if (c.read(buf) < 0) return;
                buf.flip();
                c.write(buf);
            }
        }
    }
}
