package dev.gort.bench;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Issue 4: how long a 1 ms sleep really takes, as percentiles, on a runtime that is not
 * saturated: {@code Gort.sleep(1 ms)} in goroutines (gort's per-P timers) against
 * {@code Thread.sleep(1)} in virtual threads on the JDK's default scheduler (the JDK's own
 * timer threads), and, for reference, {@code Thread.sleep(1)} inside goroutines (the JDK's
 * timer wakes a goroutine through gort's executor). Not JMH: each sleep is timed with
 * {@link System#nanoTime()} inside the sleeping thread, so nothing but the sleep is measured.
 *
 * <p>Scenarios: 1 sleeper, and 16 sleepers at once (each sleeping in a loop; about 16,000
 * wake-ups a second, far from saturating 2 cores). Blocks of gort and JDK samples alternate
 * (ROUNDS times) so that a change of machine load hits both alike; one round before them is
 * warm-up and discarded.
 *
 * <p>Run (P = 1 or 2; both schedulers get parallelism P):
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -Dgort.bench.parallelism=P \
 *   -Djdk.virtualThreadScheduler.parallelism=P -Djdk.virtualThreadScheduler.maxPoolSize=P \
 *   -cp gort-bench/target/gort-bench.jar dev.gort.bench.SleepOversleep
 * </pre>
 * {@code -Dgort.bench.sleep.samples=N} sets the samples per scheduler and scenario (default 3000).
 */
public final class SleepOversleep {
    private SleepOversleep() {}

    static final long SLEEP_NANOS = 1_000_000;
    static final int ROUNDS = 5;
    /** gort's goal (issue 4): p99 of a 1 ms sleep at most 1.2 ms. */
    static final long GOAL_P99_NANOS = 1_200_000;

    /** One way of sleeping 1 ms in one kind of thread. */
    private interface Sleeper {
        void sleep() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int p = SchedulerBench.parallelism();
        new JdkState().check(); // the JDK's default scheduler really has parallelism p
        int samples = Integer.getInteger("gort.bench.sleep.samples", 3000);
        Runtime.Version v = Runtime.version();
        System.out.printf(Locale.ROOT, "sleep(1 ms) oversleep, parallelism %d, %d samples per row, JDK %s, %d CPUs%n",
                p, samples, v, Runtime.getRuntime().availableProcessors());

        Duration oneMs = Duration.ofNanos(SLEEP_NANOS);
        Sleeper gortSleep = () -> Gort.sleep(oneMs);
        Sleeper threadSleep = () -> Thread.sleep(1);

        try (GortRuntime rt = GortRuntime.builder().name("bench").gomaxprocs(p).build()) {
            System.out.printf(Locale.ROOT, "%-34s %8s %6s %9s %9s %9s %9s %9s %9s%n",
                    "sleeper (µs per 1 ms sleep)", "threads", "n", "p50", "p90", "p99", "p99.9", "max", "mean");
            for (int threads : new int[] {1, 16}) {
                int perRound = Math.max(1, samples / ROUNDS / threads);
                List<long[]> gort = new ArrayList<>(), jdk = new ArrayList<>(), gortThreadSleep = new ArrayList<>();
                // warm-up round, discarded
                inGort(rt, gortSleep, threads, perRound);
                inJdk(threadSleep, threads, perRound);
                inGort(rt, threadSleep, threads, perRound);
                for (int r = 0; r < ROUNDS; r++) {
                    gort.add(inGort(rt, gortSleep, threads, perRound));
                    jdk.add(inJdk(threadSleep, threads, perRound));
                    gortThreadSleep.add(inGort(rt, threadSleep, threads, perRound));
                }
                long p99 = report("gort Gort.sleep(1 ms)", threads, gort);
                report("JDK vthread Thread.sleep(1)", threads, jdk);
                report("gort goroutine Thread.sleep(1)", threads, gortThreadSleep);
                System.out.printf(Locale.ROOT, "  goal gort p99 <= %.1f µs with %d sleeper(s): %s%n",
                        GOAL_P99_NANOS / 1e3, threads, p99 <= GOAL_P99_NANOS ? "met" : "NOT met");
            }
            RuntimeException failure = rt.failure();
            if (failure != null) throw new IllegalStateException("gort runtime failed", failure);
        }
    }

    /** threads goroutines, each timing n sleeps; returns all durations (ns). */
    private static long[] inGort(GortRuntime rt, Sleeper sleeper, int threads, int n) throws Exception {
        long[][] out = new long[threads][];
        rt.run(() -> {
            WaitGroup wg = new WaitGroup();
            wg.add(threads);
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                int id = t;
                Gort.go(() -> {
                    try {
                        out[id] = timeSleeps(sleeper, n);
                    } catch (Throwable e) {
                        failure[0] = e;
                    } finally {
                        wg.done();
                    }
                });
            }
            wg.await();
            if (failure[0] != null) throw new IllegalStateException(failure[0]);
            return null;
        });
        return concat(out);
    }

    /** threads virtual threads on the JDK's default scheduler, each timing n sleeps. */
    private static long[] inJdk(Sleeper sleeper, int threads, int n) throws Exception {
        long[][] out = new long[threads][];
        Workloads.runInVirtualThread(() -> {
            CountDownLatch done = new CountDownLatch(threads);
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread.startVirtualThread(() -> {
                    try {
                        out[id] = timeSleeps(sleeper, n);
                    } catch (Throwable e) {
                        failure[0] = e;
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            if (failure[0] != null) throw new IllegalStateException(failure[0]);
        });
        return concat(out);
    }

    private static long[] timeSleeps(Sleeper sleeper, int n) throws Exception {
        long[] d = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            sleeper.sleep();
            d[i] = System.nanoTime() - t0;
        }
        return d;
    }

    private static long[] concat(long[][] parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    /** Prints one row; returns p99 (ns). */
    private static long report(String name, int threads, List<long[]> rounds) {
        long[] all = concat(rounds.toArray(new long[0][]));
        Arrays.sort(all);
        double mean = Arrays.stream(all).average().orElse(0);
        long p99 = pct(all, 0.99);
        System.out.printf(Locale.ROOT, "%-34s %8d %6d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f%n",
                name, threads, all.length, pct(all, 0.50) / 1e3, pct(all, 0.90) / 1e3, p99 / 1e3,
                pct(all, 0.999) / 1e3, all[all.length - 1] / 1e3, mean / 1e3);
        return p99;
    }

    /** Nearest-rank percentile of sorted values. */
    private static long pct(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
