package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** 1,000,000 goroutines (times gort.stress.scale), each run exactly once. */
@Timeout(300)
class SpawnStressTest {
    static final int SCALE = Integer.getInteger("gort.stress.scale", 1);

    @Test
    void aMillionGoroutinesEachRunExactlyOnce() throws Exception {
        int n = 1_000_000 * SCALE;
        AtomicIntegerArray ran = new AtomicIntegerArray(n);
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                wg.add(n);
                for (int i = 0; i < n; i++) {
                    int k = i;
                    Gort.go(() -> {
                        ran.incrementAndGet(k);
                        wg.done();
                    });
                }
                wg.await();
                return null;
            });
        }
        for (int i = 0; i < n; i++) {
            if (ran.get(i) != 1) fail("goroutine " + i + " ran " + ran.get(i) + " times");
        }
    }

    @Test
    void spawnFromManyGoroutinesAndFromOutsideAtOnce() throws Exception {
        // Producers inside (runnext / local queues, overflowing to the global queue) and
        // platform threads outside (global queue) spawning at the same time.
        int perProducer = 50_000 * SCALE;
        int insideProducers = 4, outsideProducers = 2;
        int total = perProducer * (insideProducers + outsideProducers);
        AtomicIntegerArray ran = new AtomicIntegerArray(total);
        AtomicLong sum = new AtomicLong();
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(4).runqCapacity(16).build()) {
            WaitGroup wg = new WaitGroup();
            wg.add(total);
            Thread[] outside = new Thread[outsideProducers];
            for (int t = 0; t < outsideProducers; t++) {
                int base = (insideProducers + t) * perProducer;
                outside[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int k = base + i;
                        rt.go(() -> {
                            ran.incrementAndGet(k);
                            sum.addAndGet(k);
                            wg.done();
                        });
                    }
                });
            }
            rt.run(() -> {
                for (int t = 0; t < insideProducers; t++) {
                    int base = t * perProducer;
                    Gort.go(() -> {
                        for (int i = 0; i < perProducer; i++) {
                            int k = base + i;
                            Gort.go(() -> {
                                ran.incrementAndGet(k);
                                sum.addAndGet(k);
                                wg.done();
                            });
                        }
                    });
                }
                wg.await();
                return null;
            });
            for (Thread t : outside) t.join();
        }
        for (int i = 0; i < total; i++) {
            if (ran.get(i) != 1) fail("goroutine " + i + " ran " + ran.get(i) + " times");
        }
        assertEquals((long) total * (total - 1) / 2, sum.get());
    }

    /**
     * Regression: goroutines and Ms took the same allgs lock; a goroutine that blocked on it
     * unmounted, became the lock's next owner, and needed an M while every M waited on that
     * lock. Many short runtimes, spawning from goroutines and from outside at once.
     */
    @Test
    void noDeadlockBetweenGoroutinesAndMsOnRuntimeLocks() throws Exception {
        for (int iter = 0; iter < 20 * SCALE; iter++) {
            int procs = 2 + iter % 3;
            GortRuntime rt = GortRuntime.builder().gomaxprocs(procs).runqCapacity(iter % 2 == 0 ? 256 : 16).build();
            int n = 60_000;
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
            Thread outside = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < n / 3; i++) rt.go(done::countDown);
            });
            rt.go(() -> {
                for (int i = 0; i < n / 3; i++) Gort.go(done::countDown);
            });
            rt.go(() -> {
                for (int i = 0; i < n - 2 * (n / 3); i++) Gort.go(done::countDown);
            });
            if (!done.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                fail("stuck at iteration " + iter + ": " + done.getCount() + " left\n" + rt.schedtrace(true));
            }
            outside.join();
            rt.close();
        }
    }
}
