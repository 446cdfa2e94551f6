package dev.gort.net;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * dial and listen look a host name up inside a declared syscall: a lookup that holds its thread
 * (here {@link SlowResolverProvider}'s 300 ms) lets sysmon hand the P to the other goroutines
 * as a syscall retake, not as a runaway's, and the lookup's result is used.
 */
@org.junit.jupiter.api.extension.ExtendWith(FdLeakCheck.class)
@Timeout(60)
class ResolveAsSyscallTest {
    private static long counter(GortRuntime rt, String name) {
        Matcher m = Pattern.compile(" " + name + "=(\\d+)").matcher(rt.schedtrace(false));
        assertTrue(m.find(), name + " in schedtrace");
        return Long.parseLong(m.group(1));
    }

    @Test
    void aSlowLookupInDialIsASyscallAndTheOtherGoroutinesRun() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().name("resolve-syscall").gomaxprocs(1).build()) {
            // Warm up first (class loading, the poller, the resolver's set-up can outlast a time
            // slice on a cold JVM, and this test's goroutines have no checkpoints of their own).
            rt.run(() -> {
                try (TcpListener l = TcpListener.listen("localhost", 0); TcpConn c = TcpConn.dial("localhost", l.port());
                     TcpConn a = l.accept()) {
                    return a.remoteAddress();
                }
            });
            long retakes0 = counter(rt, "syscallretakes"), runaways0 = counter(rt, "runawayhandoffs");
            long[] sleptMs = new long[1];
            String remote = rt.run(() -> {
                try (TcpListener l = TcpListener.listen("127.0.0.1", 0)) {
                    var dialed = new java.util.concurrent.CompletableFuture<String>();
                    Gort.go(() -> {
                        try (TcpConn c = TcpConn.dial(SlowResolverProvider.SLOW_HOST, l.port(), Duration.ofSeconds(10))) {
                            dialed.complete(TcpConn.addr(c.remoteAddress()));
                        } catch (Throwable e) {
                            dialed.completeExceptionally(e);
                        }
                    });
                    // The dialer runs now and holds the only P's thread in the lookup; this
                    // goroutine's 20 ms sleep ends only if the P is handed on.
                    long t0 = System.nanoTime();
                    Gort.sleep(Duration.ofMillis(20));
                    sleptMs[0] = (System.nanoTime() - t0) / 1_000_000;
                    try (TcpConn accepted = l.accept()) {
                        assertNotNull(accepted.remoteAddress());
                    }
                    return dialed.get();
                }
            });
            assertEquals("127.0.0.1:" + remote.substring(remote.lastIndexOf(':') + 1), remote, "dialed the address the resolver gave");
            assertTrue(sleptMs[0] < SlowResolverProvider.SLOW_MS,
                    "the sleeper ran during the 300 ms lookup (slept " + sleptMs[0] + " ms)");
            assertTrue(counter(rt, "syscallretakes") > retakes0, "sysmon retook the P from the lookup's syscall");
            assertEquals(runaways0, counter(rt, "runawayhandoffs"), "the lookup was not taken for a runaway");
        }
    }

    @Test
    void listenResolvesThroughTheSameLookup() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().name("resolve-listen").gomaxprocs(1).build()) {
            int port = rt.run(() -> {
                try (TcpListener l = TcpListener.listen(SlowResolverProvider.SLOW_HOST, 0)) {
                    assertEquals("127.0.0.1", l.localAddress().getAddress().getHostAddress());
                    return l.port();
                }
            });
            assertTrue(port > 0);
            assertThrows(java.net.UnknownHostException.class,
                    () -> rt.run(() -> TcpConn.dial("no-such-host.invalid", 80)), "an unknown host");
        }
    }
}
