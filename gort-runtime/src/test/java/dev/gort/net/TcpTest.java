package dev.gort.net;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** dev.gort.net: echo, half-close, deadlines, close, errors; no descriptor leaked. */
@Timeout(60)
class TcpTest {
    static int fdsBefore;
    GortRuntime rt;

    @BeforeAll
    static void countFds() throws IOException {
        FdCount.warmUpJdk();
        fdsBefore = FdCount.now();
    }

    @AfterAll
    static void noFdLeaked() throws InterruptedException {
        if (fdsBefore < 0) return;
        // The default runtime's poller (platform-thread callers) may have opened a selector (an
        // epoll fd and an eventfd pair) since: allow those, nothing per connection.
        int after = FdCount.settle(fdsBefore + 4);
        assertTrue(after <= fdsBefore + 4, "descriptors leaked: " + fdsBefore + " before, " + after + " after: " + FdCount.describe());
    }

    @BeforeEach
    void start() {
        rt = GortRuntime.builder().name("net").gomaxprocs(2).build();
    }

    @AfterEach
    void stop(org.junit.jupiter.api.TestInfo info) throws Exception {
        rt.close();
        rt.awaitTermination(Duration.ofSeconds(10));
        if (System.getenv("FDDEBUG") != null) System.err.println("FD after " + info.getDisplayName() + ": " + FdCount.now() + " " + FdCount.describe().replaceAll("\\S*repository\\S*", ""));
    }

    /** Echoes each connection until EOF, in goroutines; returns the listener. */
    private TcpListener echoServer() throws Exception {
        return rt.run(() -> {
            TcpListener l = TcpListener.listen("127.0.0.1", 0);
            Gort.go(() -> {
                try {
                    for (;;) {
                        TcpConn c = l.accept();
                        Gort.go(() -> echo(c));
                    }
                } catch (NetClosedException e) {
                    // listener closed: done
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            return l;
        });
    }

    private static void echo(TcpConn c) {
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            for (;;) {
                buf.clear();
                int n = c.read(buf);
                if (n < 0) return;
                buf.flip();
                c.write(buf);
            }
        } catch (IOException e) {
            // peer gone
        }
    }

    /** Dials l and accepts the connection in another goroutine: {client, server}. In a goroutine. */
    private static TcpConn[] connectedPair(TcpListener l) throws Exception {
        TcpConn[] server = new TcpConn[1];
        CountDownLatch accepted = new CountDownLatch(1);
        Gort.go(() -> {
            try {
                server[0] = l.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            accepted.countDown();
        });
        TcpConn c = TcpConn.dial("127.0.0.1", l.port());
        accepted.await();
        return new TcpConn[] {c, server[0]};
    }

    private static byte[] readFully(TcpConn c, int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = c.read(b, off, n - off);
            if (r < 0) throw new IOException("EOF after " + off);
            off += r;
        }
        return b;
    }

    @Test
    void echoFromGoroutinesAndAPlatformThread() throws Exception {
        try (TcpListener l = echoServer()) {
            int port = l.port();
            // 50 goroutine clients, 20 round trips each, every byte checked
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                AtomicReference<Throwable> fail = new AtomicReference<>();
                for (int i = 0; i < 50; i++) {
                    int id = i;
                    wg.add(1);
                    Gort.go(() -> {
                        try (TcpConn c = TcpConn.dial("127.0.0.1", port)) {
                            for (int k = 0; k < 20; k++) {
                                byte[] msg = ("client " + id + " message " + k).getBytes(StandardCharsets.UTF_8);
                                c.write(msg);
                                assertArrayEquals(msg, readFully(c, msg.length));
                            }
                        } catch (Throwable t) {
                            fail.compareAndSet(null, t);
                        } finally {
                            wg.done();
                        }
                    });
                }
                wg.await();
                if (fail.get() != null) throw new AssertionError(fail.get());
                return null;
            });
            // a platform thread through the java.io views
            try (TcpConn c = TcpConn.dial("127.0.0.1", port, Duration.ofSeconds(5))) {
                OutputStream out = c.outputStream();
                InputStream in = c.inputStream();
                byte[] big = new byte[1 << 20];
                for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        out.write(big);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] back = in.readNBytes(big.length);
                writer.join();
                assertArrayEquals(big, back);
                assertEquals(port, c.remoteAddress().getPort());
                assertEquals(c.localAddress().getPort(), c.localAddress().getPort());
            }
        }
    }

    @Test
    void halfCloseDeliversEndOfStreamAndTheOtherSideStillWrites() throws Exception {
        try (TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0))) {
            String reply = rt.run(() -> {
                Gort.go(() -> {
                    try (TcpConn s = l.accept()) {
                        byte[] all = s.inputStream().readAllBytes(); // until the client's closeWrite
                        s.write(("got " + all.length).getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (TcpConn c = TcpConn.dial("127.0.0.1", l.port())) {
                    c.write(new byte[12345]);
                    c.closeWrite();
                    return new String(c.inputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
            });
            assertEquals("got 12345", reply);
        }
    }

    /** byte[] reads and writes go through span-heap buffers, 64 KiB at a time: 300 KiB arrive intact. */
    @Test
    void byteArraysGoThroughTheSpanHeap() throws Exception {
        dev.gort.mem.Heap heap = dev.gort.mem.Heap.defaultHeap();
        long mallocsBefore = heap.memStats().mallocs();
        byte[] data = new byte[300 << 10];
        new java.util.Random(42).nextBytes(data);
        try (TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0))) {
            byte[] got = rt.run(() -> {
                TcpConn[] pair = connectedPair(l);
                try (TcpConn c = pair[0]; TcpConn s = pair[1]) {
                    Gort.go(() -> {
                        try {
                            c.write(data);
                            c.closeWrite();
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    byte[] buf = new byte[100_000]; // more than one heap chunk per read
                    for (int n; (n = s.read(buf, 0, buf.length)) >= 0; ) out.write(buf, 0, n);
                    return out.toByteArray();
                }
            });
            assertArrayEquals(data, got);
        }
        assertTrue(heap.memStats().mallocs() - mallocsBefore >= 6, "reads and writes took no buffers from the span heap");
    }

    @Test
    void readDeadlinePassesExtendsAndClears() throws Exception {
        try (TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0))) {
            rt.run(() -> {
                TcpConn[] pair = connectedPair(l);
                try (TcpConn c = pair[0]) {
                    try (TcpConn s = pair[1]) {
                        // passes
                        c.setReadDeadline(Instant.now().plusMillis(50));
                        long t0 = System.nanoTime();
                        DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> c.read(new byte[10]));
                        assertTrue(e.timeout());
                        assertTrue(System.nanoTime() - t0 >= 40_000_000L, "deadline fired early");
                        // a deadline in the past fails at once, and the connection stays usable
                        c.setReadDeadline(Instant.now().minusSeconds(1));
                        assertThrows(DeadlineExceededException.class, () -> c.read(new byte[10]));
                        // extended before it passes: the read waits for the data
                        c.setReadDeadline(Instant.now().plusMillis(100));
                        Gort.go(() -> {
                            Gort.sleep(Duration.ofMillis(30));
                            c.setReadDeadline(Instant.now().plusSeconds(30));
                            Gort.sleep(Duration.ofMillis(150));
                            try {
                                s.write(new byte[] {1, 2, 3});
                            } catch (IOException ex) {
                                throw new RuntimeException(ex);
                            }
                        });
                        assertEquals(3, c.read(new byte[10]));
                        // cleared: no timeout at all
                        c.setReadDeadline(Instant.now().plusMillis(20));
                        c.setReadDeadline(null);
                        Gort.go(() -> {
                            Gort.sleep(Duration.ofMillis(100));
                            try {
                                s.write(new byte[] {4});
                            } catch (IOException ex) {
                                throw new RuntimeException(ex);
                            }
                        });
                        assertEquals(1, c.read(new byte[10]));
                    }
                }
                return null;
            });
        }
    }

    @Test
    void writeDeadlineAndAcceptDeadline() throws Exception {
        try (TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0))) {
            rt.run(() -> {
                l.setDeadline(Instant.now().plusMillis(50));
                assertThrows(DeadlineExceededException.class, l::accept);
                l.setDeadline(null);
                TcpConn[] pair = connectedPair(l);
                try (TcpConn c = pair[0]) {
                    try (TcpConn s = pair[1]) {
                        // nobody reads s: the socket buffers fill and the write waits, then times out
                        c.setWriteDeadline(Instant.now().plusMillis(200));
                        assertThrows(DeadlineExceededException.class, () -> c.write(new byte[64 << 20]));
                        assertNotNull(s);
                    }
                }
                return null;
            });
        }
    }

    @Test
    void closeWakesABlockedReaderAndWriter() throws Exception {
        try (TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0))) {
            rt.run(() -> {
                TcpConn[] pair = connectedPair(l);
                TcpConn c = pair[0];
                AtomicReference<Throwable> readErr = new AtomicReference<>(), writeErr = new AtomicReference<>();
                WaitGroup wg = new WaitGroup();
                wg.add(2);
                Gort.go(() -> {
                    try {
                        c.read(new byte[10]);
                    } catch (Throwable t) {
                        readErr.set(t);
                    } finally {
                        wg.done();
                    }
                });
                Gort.go(() -> {
                    try {
                        c.write(new byte[64 << 20]); // the peer never reads: blocks
                    } catch (Throwable t) {
                        writeErr.set(t);
                    } finally {
                        wg.done();
                    }
                });
                Gort.sleep(Duration.ofMillis(200));
                c.close();
                wg.await();
                assertInstanceOf(NetClosedException.class, readErr.get());
                assertInstanceOf(NetClosedException.class, writeErr.get());
                assertThrows(NetClosedException.class, () -> c.read(new byte[1]));
                assertThrows(NetClosedException.class, () -> c.write(new byte[1]));
                assertThrows(NetClosedException.class, c::close);
                pair[1].close();
                return null;
            });
        }
    }

    @Test
    void closeWakesABlockedAccept() throws Exception {
        TcpListener l = rt.run(() -> TcpListener.listen(0));
        rt.run(() -> {
            AtomicReference<Throwable> err = new AtomicReference<>();
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            Gort.go(() -> {
                try {
                    l.accept();
                } catch (Throwable t) {
                    err.set(t);
                } finally {
                    wg.done();
                }
            });
            Gort.sleep(Duration.ofMillis(100));
            l.close();
            wg.await();
            assertInstanceOf(NetClosedException.class, err.get());
            return null;
        });
    }

    @Test
    void refusedResetAndAddressInUse() throws Exception {
        int freePort;
        try (ServerSocket ss = new ServerSocket(0)) {
            freePort = ss.getLocalPort();
        }
        rt.run(() -> {
            ConnectionRefusedException e = assertThrows(ConnectionRefusedException.class, () -> TcpConn.dial("127.0.0.1", freePort));
            assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
            return null;
        });
        // reset: a JDK peer closes with SO_LINGER 0 (an RST)
        try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try {
                    Socket s = ss.accept();
                    s.setSoLinger(true, 0);
                    s.getInputStream().read();
                    s.close();
                } catch (IOException ignored) {
                    // test ends
                }
            });
            rt.run(() -> {
                try (TcpConn c = TcpConn.dial("127.0.0.1", ss.getLocalPort())) {
                    c.write(new byte[] {1});
                    assertThrows(ConnectionResetException.class, () -> {
                        byte[] b = new byte[10];
                        while (c.read(b) >= 0) { /* until the reset */ }
                    });
                }
                return null;
            });
            peer.join();
        }
        try (TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0))) {
            assertThrows(AddressInUseException.class, () -> rt.run(() -> TcpListener.listen("127.0.0.1", l.port())));
        }
        assertThrows(IllegalArgumentException.class, () -> TcpListener.listen(new InetSocketAddress(0), -1));
        assertThrows(java.net.UnknownHostException.class, () -> TcpConn.dial(InetSocketAddress.createUnresolved("no.such.host.invalid", 80), null));
    }

    @Test
    void dialTimeout() throws Exception {
        // 10.255.255.1 is not routed here: the SYN goes unanswered (or the network says no at once)
        rt.run(() -> {
            long t0 = System.nanoTime();
            try (TcpConn c = TcpConn.dial("10.255.255.1", 9, Duration.ofMillis(100))) {
                org.junit.jupiter.api.Assumptions.abort("this network answers for every address (a sandbox's proxy): connected to " + c);
            } catch (DeadlineExceededException e) {
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            } catch (java.net.SocketException e) {
                // no route: an immediate error is fine too
            }
            return null;
        });
    }
}
