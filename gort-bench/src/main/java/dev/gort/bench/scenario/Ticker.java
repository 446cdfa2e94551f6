package dev.gort.bench.scenario;

import dev.gort.Gort;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The victim of scenarios (a), (b) and (f): a goroutine / virtual thread that sleeps 1 ms in a
 * loop until stopped, with {@code Thread.sleep(1)} or, for (f), optionally {@code Gort.sleep}
 * (gort's own timers). Each tick's delay is its actual sleep minus 1 ms (the wake-up latency
 * the scheduler adds, plus the timer's own slack). Also records how long after
 * {@link #spawned} it first ran, and whether it ran as a goroutine.
 */
public final class Ticker implements Runnable {
    private static final long ONE_MS = 1_000_000L;
    private static final Duration ONE_MS_DURATION = Duration.ofMillis(1);
    private final boolean gortSleep;
    private final long[] delays = new long[20_000]; // 5 s of 1 ms ticks is at most 5,000
    private int n;
    private long firstRun;
    private boolean goroutine;
    /** When the ticker was handed to its spawner (set just before it is started). */
    public volatile long spawned;
    public volatile boolean stop;
    public final CountDownLatch done = new CountDownLatch(1);

    /** A Thread.sleep(1) ticker. */
    Ticker() {
        this(false);
    }

    /** gortSleep: tick with Gort.sleep instead of Thread.sleep. */
    public Ticker(boolean gortSleep) {
        this.gortSleep = gortSleep;
    }

    /** Records the spawn time and starts the ticker on env. */
    void start(Env env) {
        spawned = System.nanoTime();
        env.go(this);
    }

    @Override
    public void run() {
        firstRun = System.nanoTime();
        goroutine = Gort.goroutineId() != 0;
        try {
            while (!stop) {
                long t0 = System.nanoTime();
                if (gortSleep) Gort.sleep(ONE_MS_DURATION);
                else Thread.sleep(1);
                long t1 = System.nanoTime();
                if (n < delays.length) delays[n++] = t1 - t0 - ONE_MS;
            }
        } catch (InterruptedException e) {
            // shut down
        } finally {
            done.countDown();
        }
    }

    /**
     * ticks, p50/p99/max of the delay (ms), firstrun (ms after the spawn; NaN if it never ran)
     * and tickergoroutine (1 if it ran as a goroutine). Call after {@link #done} (its countDown
     * orders the writes before these reads). A ticker that never ran in the window reports
     * ticks=0 and NaN percentiles.
     */
    public void report(Map<String, Double> out) {
        long[] d = java.util.Arrays.copyOf(delays, n);
        out.put("ticks", (double) n);
        out.put("p50", Stats.percentileMs(d, 0.50));
        out.put("p99", Stats.percentileMs(d, 0.99));
        out.put("max", Stats.percentileMs(d, 1.00));
        out.put("firstrun", firstRun == 0 ? Double.NaN : (firstRun - spawned) / 1e6);
        out.put("tickergoroutine", goroutine ? 1.0 : 0.0);
    }
}
