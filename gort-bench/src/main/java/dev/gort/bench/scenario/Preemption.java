package dev.gort.bench.scenario;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Scenario (a), preemption latency: 4 CPU-bound hogs on 2 processors, then a ticker that sleeps
 * 1 ms in a loop; the hogs and the ticker stop after the window (a volatile flag, set by the
 * child's platform main thread, so the run ends even where the ticker is starved).
 *
 * <p>gort: with {@code checkpoint} the hogs call {@code Gort.checkpoint()} every iteration and
 * sysmon's 10 ms preemption puts them at the back of the global queue; without, they make no
 * call at all and sysmon, once a preemption request has been ignored for another 10 ms, hands
 * their P to another thread (the hog runs on without a P). JDK: the same hogs (no checkpoint).
 */
final class Preemption {
    private Preemption() {}

    static final int HOGS = 4;

    static Map<String, Double> run(String scheduler, boolean checkpoint, long windowMs) throws Exception {
        Map<String, Double> out = new LinkedHashMap<>();
        Env env = Env.of(scheduler, 2);
        Work.Flag stop = new Work.Flag();
        CountDownLatch hogsDone = new CountDownLatch(HOGS);
        for (int i = 0; i < HOGS; i++) {
            long seed = 0x9E3779B97F4A7C15L * (i + 1);
            env.go(() -> {
                try {
                    Work.hog(stop, checkpoint, seed);
                } finally {
                    hogsDone.countDown();
                }
            });
        }
        Ticker ticker = new Ticker();
        ticker.start(env);
        Thread.sleep(windowMs);
        ticker.stop = true;
        stop.value = true;
        boolean ended = hogsDone.await(30, TimeUnit.SECONDS) & ticker.done.await(30, TimeUnit.SECONDS);
        out.putAll(env.counters());
        String err = env.shutdown();
        if (!ended) throw new IllegalStateException("hogs or ticker did not end within 30 s of the stop flag");
        if (err != null) throw new IllegalStateException(err);
        ticker.report(out);
        return out;
    }
}
