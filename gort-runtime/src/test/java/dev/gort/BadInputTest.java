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
}
