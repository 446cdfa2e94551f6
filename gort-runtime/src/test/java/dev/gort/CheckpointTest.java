package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Gort.checkpoint() is the test the gort agent inserts at back-edges (inline, on the same
 * Checkpoint.pending; as this call when a method is too large): it must be a no-op outside
 * goroutines (a platform thread, a JDK virtual thread on the default scheduler) even while a
 * gort runtime is preempting its own goroutines, and a preemption point inside them.
 */
@Timeout(60)
class CheckpointTest {

    /** A loop of checkpoints on a thread that is not a goroutine: it never yields, never fails. */
    private static long spinOutside(AtomicBoolean stop) {
        long n = 0;
        while (!stop.get()) {
            Gort.checkpoint();
            n++;
        }
        return n;
    }

    @Test
    void aNoOpOnPlatformThreadsAndJdkVirtualThreadsWhileGortPreempts() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).forcePreempt(Duration.ofMillis(1)).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong platform = new AtomicLong(), virtual = new AtomicLong();
            Thread p = Thread.ofPlatform().start(() -> platform.set(spinOutside(stop)));
            Thread v = Thread.ofVirtual().start(() -> virtual.set(spinOutside(stop))); // the JDK's scheduler
            long preempted = rt.run(() -> {
                AtomicBoolean done = new AtomicBoolean();
                Gort.go(() -> spinOutside(done)); // a goroutine: its checkpoints do yield
                Gort.sleep(Duration.ofMillis(200));
                done.set(true);
                return rt.preemptCount();
            });
            stop.set(true);
            p.join();
            v.join();
            assertTrue(platform.get() > 1000 && virtual.get() > 1000, platform + " / " + virtual);
            assertTrue(preempted >= 1, "the goroutine's checkpoints yielded: " + rt.schedtrace(false));
            assertNull(rt.failure());
        }
    }
}
