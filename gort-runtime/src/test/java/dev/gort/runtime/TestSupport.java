package dev.gort.runtime;

import dev.gort.PanicPolicy;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Drives whole runtimes from white-box tests. Go: export_test.go. */
final class TestSupport {
    private TestSupport() {}

    static int scale() {
        return Integer.getInteger("gort.stress.scale", 1);
    }

    static Sched newSched(int procs) {
        return newSched(procs, PanicPolicy.CRASH, System.err);
    }

    static Sched newSched(int procs, PanicPolicy policy, PrintStream out) {
        return new Sched(new Sched.Config("test", procs, Sched.DEFAULT_MAX_THREADS, RunQueue.DEFAULT_CAPACITY,
                policy, out, Sched.Clock.SYSTEM, Tunables.fromEnvironment()));
    }

    static <T> T run(Sched s, Callable<T> main) throws Exception {
        return Proc.runMain(s, main);
    }

    /** The M the calling goroutine runs on (null outside gort). */
    static M currentM() {
        return M.current();
    }

    /** Waits until the runtime has no goroutines, then checks its invariants. */
    static void assertQuiescentAndSound(Sched s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.numGoroutine() != 0 && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(0, s.numGoroutine(), () -> "goroutines left:\n" + s.goroutineDump());
        // Ms settle into stopm shortly after the last goroutine ends.
        List<String> bad = s.checkInvariants();
        for (int i = 0; i < 200 && !bad.isEmpty(); i++) {
            Thread.sleep(5);
            bad = s.checkInvariants();
        }
        assertTrue(bad.isEmpty(), "invariants: " + bad);
    }

    /** Shuts s down and checks that every M it started has exited. */
    static void shutdownAndAssertNoThreads(Sched s) throws InterruptedException {
        List<Thread> ms = s.threads();
        s.shutdownNow();
        assertTrue(s.awaitTermination(20, TimeUnit.SECONDS), "runtime did not terminate: " + s.summary());
        for (Thread t : ms) {
            t.join(5000);
            if (t.isAlive()) fail("thread left behind: " + t.getName());
        }
        assertTrue(s.threads().isEmpty(), "allm not empty: " + s.threads());
    }
}
