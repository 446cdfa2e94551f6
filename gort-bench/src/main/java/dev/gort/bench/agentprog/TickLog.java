package dev.gort.bench.agentprog;

import dev.gort.Gort;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The victim of the agent scenario: a thread that sleeps 1 ms in a loop until stopped, either
 * with {@code Thread.sleep(1)} (in a goroutine the JDK parks the virtual thread and its timer
 * thread wakes it through gort's scheduler) or with {@code Gort.sleep} (gort's own timers). A
 * tick's delay is its actual sleep minus 1 ms.
 */
final class TickLog implements Runnable {
    private static final long ONE_MS = 1_000_000L;
    private static final Duration ONE_MS_DURATION = Duration.ofMillis(1);

    private final boolean gortSleep;
    private final long[] delays = new long[20_000]; // 5 s of 1 ms ticks is at most 5,000
    private int n;
    private long firstRun;
    private boolean goroutine;
    /** Set by the spawner just before the ticker is started. */
    volatile long spawned;
    volatile boolean stop;
    final CountDownLatch done = new CountDownLatch(1);

    TickLog(boolean gortSleep) {
        this.gortSleep = gortSleep;
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
            // ended
        } finally {
            done.countDown();
        }
    }

    /**
     * ticks, p50/p99/max delay (ms), firstrun (ms after the spawn; NaN if it never ran) and
     * tickergoroutine (1 if it ran as a goroutine). Call after {@link #done}, whose countDown
     * orders the ticker's writes before these reads.
     */
    void report(Map<String, Double> out) {
        long[] d = Arrays.copyOf(delays, n);
        Arrays.sort(d);
        out.put("ticks", (double) n);
        out.put("p50", percentileMs(d, 0.50));
        out.put("p99", percentileMs(d, 0.99));
        out.put("max", percentileMs(d, 1.00));
        out.put("firstrun", firstRun == 0 ? Double.NaN : (firstRun - spawned) / 1e6);
        out.put("tickergoroutine", goroutine ? 1.0 : 0.0);
    }

    /** Nearest-rank percentile of sorted ns values, in ms; NaN for none. */
    private static double percentileMs(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6;
    }
}
