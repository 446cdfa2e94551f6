package dev.gort.bench.scenario;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The victim of scenarios (a) and (b): a goroutine / virtual thread that sleeps 1 ms in a loop
 * until stopped. Each tick's delay is its actual sleep minus 1 ms (the wake-up latency the
 * scheduler adds, plus the timer's own slack). Also records how long after {@link #spawned}
 * it first ran.
 */
final class Ticker implements Runnable {
    private static final long ONE_MS = 1_000_000L;
    private final long[] delays = new long[20_000]; // 5 s of 1 ms ticks is at most 5,000
    private int n;
    private long firstRun;
    private long spawned;
    volatile boolean stop;
    final CountDownLatch done = new CountDownLatch(1);

    /** Records the spawn time and starts the ticker on env. */
    void start(Env env) {
        spawned = System.nanoTime();
        env.go(this);
    }

    @Override
    public void run() {
        firstRun = System.nanoTime();
        try {
            while (!stop) {
                long t0 = System.nanoTime();
                Thread.sleep(1);
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
     * ticks, p50/p99/max of the delay (ms), and firstrun (ms after the spawn). Call after
     * {@link #done} (its countDown orders the writes before these reads). A ticker that never
     * ran in the window reports ticks=0 and NaN percentiles.
     */
    void report(Map<String, Double> out) {
        long[] d = java.util.Arrays.copyOf(delays, n);
        out.put("ticks", (double) n);
        out.put("p50", Stats.percentileMs(d, 0.50));
        out.put("p99", Stats.percentileMs(d, 0.99));
        out.put("max", Stats.percentileMs(d, 1.00));
        out.put("firstrun", (firstRun - spawned) / 1e6);
    }
}
