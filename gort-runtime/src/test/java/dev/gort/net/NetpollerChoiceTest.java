package dev.gort.net;

import dev.gort.GortRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which poller a runtime uses: epoll on Linux with native access (the default run of this suite),
 * the NIO Selector when {@code -Dgort.netpoller=selector} (the suite's second run); a bad value is
 * a clear error that names the property.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class NetpollerChoiceTest {

    @Test
    void theRuntimeUsesThePollerAskedFor() throws Exception {
        String expected = System.getProperty("gort.netpoller", "epoll");
        try (GortRuntime rt = GortRuntime.builder().name("choice").gomaxprocs(2).build()) {
            rt.run(() -> {
                try (TcpListener l = TcpListener.listen(0)) {
                    rt.go(() -> {
                        try (TcpConn c = l.accept()) {
                            ByteBuffer b = ByteBuffer.allocate(4);
                            while (b.hasRemaining() && c.read(b) >= 0) { }
                            b.flip();
                            c.write(b);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    try (TcpConn c = TcpConn.dial("127.0.0.1", l.port())) {
                        c.write(ByteBuffer.wrap(new byte[]{1, 2, 3, 4}));
                        ByteBuffer b = ByteBuffer.allocate(4);
                        while (b.hasRemaining() && c.read(b) >= 0) { }
                        assertArrayEquals(new byte[]{1, 2, 3, 4}, b.array());
                    }
                }
                return null;
            });
            assertTrue(rt.schedtrace(false).contains(" netpoller=" + expected), rt.schedtrace(false));
        }
    }

    @Test
    void aBadPollerNameIsAClearError() throws Exception {
        String old = System.getProperty("gort.netpoller");
        System.setProperty("gort.netpoller", "kqueue");
        try (GortRuntime rt = GortRuntime.builder().name("bad-poller").gomaxprocs(1).build()) {
            Exception e = assertThrows(Exception.class, () -> rt.run(() -> {
                TcpListener.listen(0).close();
                return null;
            }));
            Throwable t = e;
            while (t != null && !(t instanceof IllegalArgumentException)) t = t.getCause();
            assertNotNull(t, "not an IllegalArgumentException: " + e);
            assertTrue(t.getMessage().contains("-Dgort.netpoller must be \"epoll\" or \"selector\""), t.getMessage());
        } finally {
            if (old == null) System.clearProperty("gort.netpoller"); else System.setProperty("gort.netpoller", old);
        }
    }
}
