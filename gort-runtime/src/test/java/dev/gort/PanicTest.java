package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** An uncaught exception in a goroutine ends the run the way a Go panic does. */
@Timeout(60)
class PanicTest {

    @Test
    void panicEndsTheRunWithAReport() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        GortRuntime rt = GortRuntime.builder().gomaxprocs(2).panicOutput(out).build();
        AtomicLong badId = new AtomicLong();
        IllegalStateException boom = new IllegalStateException("boom");
        GoroutinePanicException e = assertThrows(GoroutinePanicException.class, () -> rt.run(() -> {
            badId.set(Gort.go(() -> {
                throw boom;
            }));
            LockSupport.park(); // main would wait forever: the panic ends the run
            return null;
        }));
        assertSame(boom, e.getCause());
        assertEquals(badId.get(), e.goroutineId());
        String report = buf.toString(StandardCharsets.UTF_8);
        assertTrue(report.startsWith("panic: java.lang.IllegalStateException: boom"), report);
        assertTrue(report.contains("goroutine " + badId.get() + " [running]:"), report);
        assertTrue(report.contains("at dev.gort.PanicTest"), "the goroutine's stack: " + report);
        assertTrue(report.contains("created by goroutine 1"), report);
        // the runtime went down: its goroutines were interrupted and every M ended
        assertTrue(rt.awaitTermination(Duration.ofSeconds(10)));
        assertSame(e, rt.failure());
        assertThrows(IllegalStateException.class, () -> rt.go(() -> { }));
    }

    @Test
    void reportPolicyLetsTheRuntimeGoOn() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).panicPolicy(PanicPolicy.REPORT)
                .panicOutput(new PrintStream(buf, true, StandardCharsets.UTF_8)).build()) {
            int r = rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                wg.add(1);
                Gort.go(() -> {
                    try {
                        throw new ArithmeticException("/ by zero");
                    } finally {
                        wg.done();
                    }
                });
                wg.await();
                return 5;
            });
            assertEquals(5, r);
            // the goroutine's finally ran before its exception reached the runtime: wait for the report
            long end = System.nanoTime() + 5_000_000_000L;
            while (!buf.toString(StandardCharsets.UTF_8).contains("panic:") && System.nanoTime() < end) Thread.sleep(5);
            assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("panic: java.lang.ArithmeticException: / by zero"),
                    buf.toString(StandardCharsets.UTF_8));
            assertNull(rt.failure());
            assertEquals(6, (int) rt.run(() -> 6));
        }
    }

    @Test
    void defaultRuntimeIsReplacedAfterItCrashed() throws Exception {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream()));
        try {
            GortRuntime first = Gort.defaultRuntime();
            assertThrows(GoroutinePanicException.class, () -> Gort.run(() -> {
                Gort.go(() -> {
                    throw new RuntimeException("x");
                });
                LockSupport.park();
                return null;
            }));
            assertTrue(first.awaitTermination(Duration.ofSeconds(10)));
            assertEquals(9, (int) Gort.run(() -> 9));
            assertNotSame(first, Gort.defaultRuntime());
        } finally {
            System.setErr(saved);
        }
    }
}
