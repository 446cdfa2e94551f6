package dev.gort.net;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Out of descriptors (EMFILE): with RLIMIT_NOFILE lowered to a few dozen above what is open,
 * goroutines dial and a goroutine accepts until the process has none left. Dial then fails with
 * {@link TooManyOpenFilesException}; accept, with a connection waiting in the backlog, does not
 * fail but backs off ({@link TcpListener#acceptBackoffs()}); once some connections are closed
 * the pending accept completes and the listener serves again. No descriptor leaked.
 *
 * <p>Each network call runs as its own goroutine ({@link #inGoroutine}); the waiting between
 * them is done on the test's platform thread, so that the only runtime timers involved are the
 * accept loop's back-off sleeps.
 */
@Timeout(60)
class EmfileTest {
    /** Descriptors above those open when the limit is lowered: about 15 client/server pairs. */
    static final int HEADROOM = 30;

    GortRuntime rt;

    @Test
    void dialFailsAcceptBacksOffAndRecoversWhenDescriptorsAreFreed() throws Exception {
        Assumptions.assumeTrue(Rlimit.supported(), "RLIMIT_NOFILE through FFM is laid out for 64-bit Linux only");
        Assumptions.assumeTrue(FdCount.now() >= 0, "no /proc/self/fd to count descriptors");
        FdCount.warmUpJdk();
        preloadClasses();
        int fdsBefore = FdCount.now();
        long oldSoft = Rlimit.soft();
        long t0 = System.nanoTime();

        rt = GortRuntime.builder().name("emfile").gomaxprocs(2).build();
        TcpListener l = null;
        List<TcpConn> clients = new ArrayList<>();
        ConcurrentLinkedQueue<TcpConn> servers = new ConcurrentLinkedQueue<>();
        AtomicInteger accepted = new AtomicInteger();
        AtomicReference<Throwable> acceptErr = new AtomicReference<>();
        dev.gort.WaitGroup acceptDone = new dev.gort.WaitGroup();
        String report;
        try {
            TcpListener lis = l = inGoroutine("listen", () -> TcpListener.listen("127.0.0.1", 0));
            int port = lis.port();
            // a first round trip before the limit goes down: the runtime's poller (its selector's
            // descriptors) and every class on the path are loaded while files can still be opened
            inGoroutine("warm-up round trip", () -> {
                Gort.go(() -> {
                    try (TcpConn s = lis.accept()) {
                        s.write(s.inputStream().readNBytes(1));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (TcpConn c = TcpConn.dial("127.0.0.1", port)) {
                    c.write(new byte[] {7});
                    assertArrayEquals(new byte[] {7}, c.inputStream().readNBytes(1));
                }
                return null;
            });
            FdCount.settle(fdsBefore + 3); // the round trip's two sockets close asynchronously

            // the accept loop: keeps every connection it gets
            acceptDone.add(1);
            rt.go(() -> {
                try {
                    for (;;) {
                        servers.add(lis.accept());
                        accepted.incrementAndGet();
                    }
                } catch (NetClosedException e) {
                    // listener closed: done
                } catch (Throwable t) {
                    acceptErr.set(t);
                } finally {
                    acceptDone.done();
                }
            });

            assertEquals(0, lis.acceptBackoffs(), "accept backed off with descriptors to spare");
            assertFalse(state().isEmpty()); // loads the classes of the failure reports
            int open = FdCount.now();
            long limit = open + HEADROOM;
            Rlimit.setSoft(limit);
            try {
                // dial until the process is out of descriptors
                TooManyOpenFilesException emfile = null;
                for (int i = 0; i < 10 * HEADROOM && emfile == null; i++) {
                    try {
                        clients.add(dial(port));
                    } catch (TooManyOpenFilesException e) {
                        emfile = e;
                    }
                    Thread.sleep(2); // the accept goroutine takes its share
                }
                assertNotNull(emfile, "dial never ran out of descriptors with the soft limit at " + limit + ": " + clients.size() + " dialled");
                assertTrue(emfile.getMessage().contains("too many open files"), emfile.getMessage());
                int dialled = clients.size();
                assertTrue(dialled >= HEADROOM / 2 - 5, "only " + dialled + " dials with " + HEADROOM + " descriptors of headroom");

                // A connection must be waiting in the backlog for accept to back off. If the accept
                // loop took every one, free one client descriptor (its server side stays open) and
                // dial once more: the kernel completes the handshake, accept cannot take it.
                Thread.sleep(100);
                boolean extraDial = accepted.get() >= clients.size();
                if (extraDial) {
                    clients.remove(0).close();
                    // the descriptor is released at the poller's next select: retry briefly
                    TcpConn extra = null;
                    for (int i = 0; extra == null; i++) {
                        try {
                            extra = dial(port);
                        } catch (TooManyOpenFilesException e) {
                            if (i >= 200) throw new AssertionError("closing a connection freed no descriptor for a dial", e);
                            Thread.sleep(10);
                        }
                    }
                    clients.add(extra);
                    assertThrows(TooManyOpenFilesException.class, () -> dial(port),
                            "the one descriptor freed was used: a second dial must fail");
                }
                int acceptedStuck = accepted.get();

                // the accept goroutine is blocked, backing off, not failing and not spinning
                Thread.sleep(400);
                long backoffs = lis.acceptBackoffs();
                assertTrue(backoffs > 0, () -> "accept did not back off with a connection in the backlog and no descriptors: accepted "
                        + accepted.get() + " of " + clients.size() + " dialled, open fds " + FdCount.now() + "/" + limit
                        + " (-1: none left to list them)" + state());
                // 400 ms of back-off starting at 5 ms and doubling: a handful, not thousands
                assertTrue(backoffs < 20, "accept retried " + backoffs + " times in 400 ms: the back-off does not grow");
                assertEquals(acceptedStuck, accepted.get(), "accept got a connection with no descriptors left");
                assertNull(acceptErr.get(), () -> "accept failed instead of backing off: " + acceptErr.get());
                assertEquals(1, acceptDone.count(), "the accept goroutine ended");

                // free a batch: the five oldest client connections and their server sides (not the
                // newest: the one waiting in the backlog must stay open; a peer that is gone by the
                // time accept takes its connection may be dropped)
                int freed = 0;
                for (int i = 0; i < 5 && !clients.isEmpty(); i++) {
                    clients.remove(0).close();
                    TcpConn s = servers.poll();
                    if (s != null) s.close();
                    freed++;
                }
                // the pending accept completes within a back-off (1 s at most, ~0.6 s here)
                long freedAt = System.nanoTime();
                while (accepted.get() == acceptedStuck && System.nanoTime() - freedAt < 5_000_000_000L) Thread.sleep(5);
                long waitedMs = (System.nanoTime() - freedAt) / 1_000_000;
                int freedPairs = freed;
                assertTrue(accepted.get() > acceptedStuck, () -> "the pending accept did not complete within 5 s of freeing "
                        + freedPairs + " pairs: backoffs " + lis.acceptBackoffs() + ", open fds " + FdCount.now() + "/" + limit
                        + ", accept error " + acceptErr.get() + state());

                // the listener works again: a new connection is accepted and carries data
                int before = accepted.get();
                try (TcpConn c = dial(port)) {
                    long end = System.nanoTime() + 5_000_000_000L;
                    while (accepted.get() == before && System.nanoTime() < end) Thread.sleep(5);
                    assertEquals(before + 1, accepted.get(), () -> "a new connection was not accepted after recovery" + state());
                    TcpConn s = null;
                    for (TcpConn x : servers) if (x.remoteAddress().equals(c.localAddress())) s = x;
                    assertNotNull(s, "the server side of the new connection is not among those accepted");
                    TcpConn server = s;
                    byte[] got = inGoroutine("round trip after recovery", () -> {
                        c.write(new byte[] {42});
                        return server.inputStream().readNBytes(1);
                    });
                    assertArrayEquals(new byte[] {42}, got);
                }
                report = String.format("EMFILE: soft limit %d (%d open + %d): %d dialled before dial failed%s, accept backed off "
                                + "%d times in 400 ms while stuck at %d accepted; freed %d pairs, the pending accept completed %d ms later",
                        limit, open, HEADROOM, dialled, extraDial ? " (one more after freeing a descriptor)" : "", backoffs,
                        acceptedStuck, freed, waitedMs);
            } finally {
                Rlimit.setSoft(oldSoft);
            }
        } finally {
            for (TcpConn c : clients) closeQuietly(c);
            if (l != null) closeQuietly(l);
            // the accept goroutine ends on the listener's close; then its connections go
            inGoroutine("accept loop's end", () -> {
                acceptDone.await();
                return null;
            });
            for (TcpConn s : servers) closeQuietly(s);
            rt.close();
        }
        assertEquals(oldSoft, Rlimit.soft(), "soft limit not restored");
        assertNull(acceptErr.get(), () -> "accept failed: " + acceptErr.get());
        int after = FdCount.settle(fdsBefore);
        assertTrue(after <= fdsBefore, "descriptors leaked: " + fdsBefore + " before, " + after + " after: " + FdCount.describe());
        System.out.printf("%s; %.1f s%n", report, (System.nanoTime() - t0) / 1e9);
    }

    private TcpConn dial(int port) throws Exception {
        return inGoroutine("dial", () -> TcpConn.dial("127.0.0.1", port, Duration.ofSeconds(5)));
    }

    /** Runs body as a goroutine of rt; fails with the scheduler's state after 10 s. */
    private <T> T inGoroutine(String what, Callable<T> body) throws Exception {
        return Bounded.run(rt, what, Duration.ofSeconds(10), this::state, body);
    }

    private String state() {
        return "\n" + rt.schedtrace(true) + "\n" + rt.goroutineDump();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /**
     * Classes loaded from target/classes need a descriptor to open their class file: load
     * those that run only while the process is out of descriptors beforehand.
     */
    private static void preloadClasses() {
        new TooManyOpenFilesException("preload").getMessage();
        NetErrors.map(new IOException("Too many open files"), "preload");
        NetErrors.map(new java.nio.channels.ClosedChannelException(), "preload");
        new NetClosedException("preload").getMessage();
        new DeadlineExceededException("preload").getMessage();
        try {
            assertThrows(IllegalStateException.class, () -> {
                throw new IllegalStateException();
            });
            assertTrue(true, () -> "");
            assertNull(null, () -> "");
            assertNotNull(new Object(), "");
            assertEquals(1, 1, "");
            assertArrayEquals(new byte[0], new byte[0]);
            Class.forName("org.opentest4j.AssertionFailedError");
            Class.forName("org.junit.jupiter.api.AssertionFailureBuilder");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
