package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** GOMAXPROCS goroutines really run in parallel. Go: TestGoroutineParallelism. */
@Timeout(120)
class ParallelismTest {

    /**
     * P goroutines pass a token around in strict order, each spinning (no yields, no
     * checkpoints) until it is its turn. That completes only if all P run at the same time,
     * which needs P Ms holding P Ps. P above the core count works because the OS time-slices
     * the Ms.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void gomaxprocsGoroutinesRunInParallel(int procs) throws Exception {
        int rounds = 3;
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(procs).build()) {
            for (int attempt = 0; attempt < 3; attempt++) {
                AtomicInteger x = new AtomicInteger();
                rt.run(() -> {
                    WaitGroup wg = new WaitGroup();
                    wg.add(procs);
                    // Go's test starts them from a goroutine too and lets the spinners spin.
                    for (int p = 0; p < procs; p++) {
                        int me = p;
                        Gort.go(() -> {
                            for (int i = 0; i < rounds; i++) {
                                int expected = procs * i + me;
                                while (x.get() != expected) {
                                    Thread.onSpinWait();
                                }
                                x.set(expected + 1);
                            }
                            wg.done();
                        });
                    }
                    wg.await();
                    return null;
                });
                assertEquals(procs * rounds, x.get());
            }
        }
    }

    @Test
    void cpuBoundWorkSpreadsOverEveryProcessor() throws Exception {
        // One goroutine spawns many CPU-bound goroutines onto its own P; idle Ps steal them.
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                int n = 200;
                wg.add(n);
                for (int i = 0; i < n; i++) {
                    Gort.go(() -> {
                        long h = 0;
                        for (int k = 0; k < 200_000; k++) h = h * 31 + k;
                        if (h == 42) System.out.print("");
                        wg.done();
                    });
                }
                wg.await();
                return null;
            });
            long[][] c = rt.perProcessorCounters();
            long executedOnBoth = 0;
            for (long[] p : c) if (p[1] > 0) executedOnBoth++;
            assertEquals(2, executedOnBoth, "both Ps ran goroutines: " + java.util.Arrays.deepToString(c));
            long stolen = c[0][2] + c[1][2];
            assertTrue(stolen > 0, "work was stolen: " + java.util.Arrays.deepToString(c));
        }
    }
}
