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
}
