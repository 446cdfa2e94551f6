package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/** Bad input gets a clear exception, and the runtime stays sound. */
@Timeout(60)
class BadInputTest {

    @Test
    void builderValidatesOptions() {
        assertMessage(() -> GortRuntime.builder().gomaxprocs(0).build(), "GOMAXPROCS must be between 1 and 1024, got 0");
        assertMessage(() -> GortRuntime.builder().gomaxprocs(-3).build(), "got -3");
        assertMessage(() -> GortRuntime.builder().gomaxprocs(100_000).build(), "got 100000");
        assertMessage(() -> GortRuntime.builder().maxThreads(0).build(), "maxThreads must be between 1 and 1000000");
        assertMessage(() -> GortRuntime.builder().runqCapacity(100).build(), "power of two");
        assertMessage(() -> GortRuntime.builder().name(" ").build(), "name must not be empty");
        assertThrows(NullPointerException.class, () -> GortRuntime.builder().panicPolicy(null));
    }

    @Test
    void badSystemPropertyIsNamed() {
        System.setProperty("gort.gomaxprocs", "lots");
        try {
            assertMessage(() -> GortRuntime.builder().build(), "-Dgort.gomaxprocs must be an integer, got \"lots\"");
        } finally {
            System.clearProperty("gort.gomaxprocs");
        }
    }

    @Test
    void runtimeCallsRejectBadArgumentsAndStaySound() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            assertMessage(() -> rt.gomaxprocs(0), "GOMAXPROCS must be between 1 and 1024, got 0");
            assertMessage(() -> rt.gomaxprocs(1025), "got 1025");
            assertEquals(2, rt.gomaxprocs());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> rt.go(null));
            assertTrue(npe.getMessage().contains("go(null)"));
            assertThrows(NullPointerException.class, () -> rt.run((java.util.concurrent.Callable<Object>) null));
            assertEquals(0, rt.numGoroutine(), "a rejected go leaves no goroutine behind");
            // inside a goroutine the same
            String msg = rt.run(() -> {
                try {
                    Gort.go(null);
                    return "no exception";
                } catch (NullPointerException e) {
                    return e.getMessage();
                }
            });
            assertTrue(msg.contains("go(null)"), msg);
            assertEquals(3, (int) rt.run(() -> 3), "still sound");
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable ex, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void passingTheThreadCapIsAClearErrorNotAHang() throws Exception {
        // sysmon takes one M; a second M can run GOMAXPROCS=1; a second P needs a third M.
        java.io.ByteArrayOutputStream quiet = new java.io.ByteArrayOutputStream();
        GortRuntime rt = GortRuntime.builder().gomaxprocs(1).maxThreads(2)
                .panicOutput(new java.io.PrintStream(quiet)).build();
        assertEquals(1, (int) rt.run(() -> 1), "sysmon + one M fit under the cap");
        ThreadExhaustionException e = assertThrows(ThreadExhaustionException.class, () -> rt.run(() -> {
            Gort.gomaxprocs(2);
            WaitGroup wg = new WaitGroup();
            wg.add(4);
            for (int i = 0; i < 4; i++) {
                Gort.go(() -> {
                    long end = System.nanoTime() + 50_000_000L;
                    while (System.nanoTime() < end) Gort.checkpoint();
                    wg.done();
                });
            }
            wg.await();
            return null;
        }));
        assertEquals(2, e.limit());
        assertTrue(e.getMessage().contains("program exceeds 2-thread limit"), e.getMessage());
        assertTrue(rt.awaitTermination(java.time.Duration.ofSeconds(10)),
                () -> "the runtime went down cleanly: " + rt.schedtrace(true) + "\n" + rt.goroutineDump());
    }
}
