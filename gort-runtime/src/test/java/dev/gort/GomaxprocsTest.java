package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** GOMAXPROCS changed at run time by stopping and restarting the world. */
@Timeout(120)
class GomaxprocsTest {

    @Test
    void changeAtRunTimeReturnsPreviousValue() {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            assertEquals(2, rt.gomaxprocs(4));
            assertEquals(4, rt.gomaxprocs());
            assertEquals(4, rt.gomaxprocs(1));
            assertEquals(1, rt.gomaxprocs());
            assertEquals(1, rt.gomaxprocs(1), "no change, no stop-the-world");
            assertEquals(1, rt.gomaxprocs(8), "above the core count is legal");
            assertEquals(8, rt.gomaxprocs());
        }
    }

    @Test
    void resizeWhileGoroutinesRunLosesNothing() throws Exception {
        int workers = 16;
        int items = 20_000;
        AtomicIntegerArray done = new AtomicIntegerArray(workers * items);
        AtomicLong checkpoints = new AtomicLong();
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int[] sizes = rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                wg.add(workers);
                for (int w = 0; w < workers; w++) {
                    int base = w * items;
                    Gort.go(() -> {
                        for (int i = 0; i < items; i++) {
                            done.incrementAndGet(base + i);
                            // CPU work with checkpoints: the world can stop us here
                            if ((i & 63) == 0) {
                                Gort.checkpoint();
                                checkpoints.incrementAndGet();
                            }
                            if ((i & 1023) == 0) {
                                // and spawn short-lived goroutines that sit in run queues
                                WaitGroup inner = new WaitGroup();
                                inner.add(1);
                                Gort.go(inner::done);
                                try {
                                    inner.await();
                                } catch (InterruptedException e) {
                                    throw new RuntimeException(e);
                                }
                            }
                        }
                        wg.done();
                    });
                }
                // resize from inside a goroutine, several times, while work runs
                int[] seen = new int[5];
                int[] targets = {4, 1, 3, 2, 5};
                for (int k = 0; k < targets.length; k++) {
                    Gort.gomaxprocs(targets[k]);
                    seen[k] = Gort.gomaxprocs();
                }
                wg.await();
                return seen;
            });
            assertArrayEquals(new int[]{4, 1, 3, 2, 5}, sizes);
            assertEquals(5, rt.perProcessorCounters().length);
        }
        for (int i = 0; i < workers * items; i++) {
            assertEquals(1, done.get(i), "item " + i);
        }
    }

    @Test
    void resizeFromOutsideWhileGoroutinesBlockAndWake() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(3).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong rounds = new AtomicLong();
            Thread resizer = Thread.ofPlatform().start(() -> {
                int[] t = {1, 4, 2, 3};
                for (int i = 0; i < 40; i++) rt.gomaxprocs(t[i % t.length]);
                stop.set(true);
            });
            rt.run(() -> {
                // ping-pong pairs through WaitGroups keep readying each other across resizes
                WaitGroup all = new WaitGroup();
                all.add(4);
                for (int pair = 0; pair < 4; pair++) {
                    Gort.go(() -> {
                        while (!stop.get()) {
                            WaitGroup w = new WaitGroup();
                            w.add(1);
                            Gort.go(w::done);
                            try {
                                w.await();
                            } catch (InterruptedException e) {
                                throw new RuntimeException(e);
                            }
                            rounds.incrementAndGet();
                        }
                        all.done();
                    });
                }
                all.await();
                return null;
            });
            resizer.join();
            assertTrue(rounds.get() > 0);
            assertEquals(3, rt.gomaxprocs());
        }
    }
}
