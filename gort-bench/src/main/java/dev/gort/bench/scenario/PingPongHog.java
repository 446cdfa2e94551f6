package dev.gort.bench.scenario;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario (e), fairness as Go's TestPingPongHog (proc_test.go), on one processor: a "heavy"
 * pair of goroutines passes a ball back and forth and does about 1 ms of work per turn, a
 * "light" pair does the same with 1/1000 of the work. After the window the CPU each pair got
 * is its turns × work per turn (xorshift iterations, as Go counts loop iterations), and the
 * result is the ratio heavy : light. Run with either pair started first.
 *
 * <p>The hand-off is park/unpark on a volatile ball (Go uses unbuffered channels). On gort the
 * woken partner goes to runnext and inherits the time slice, so a pair keeps its P until
 * sysmon preempts it after 10 ms: with {@code checkpoint} the work loop calls
 * {@code Gort.checkpoint()} every iteration (as Go's compiler-inserted checks); without, the
 * work loop has no call and only the runaway hand-off can help. JDK: the plain loop.
 */
final class PingPongHog {
    private PingPongHog() {}

    static final int LIGHT_DIVISOR = 1_000; // Go's 1e6 : 1e3

    static Map<String, Double> run(String scheduler, boolean checkpoint, boolean heavyFirst, long windowMs) throws Exception {
        Map<String, Double> out = new LinkedHashMap<>();
        int heavyWork = calibrate(checkpoint);
        int lightWork = Math.max(1, heavyWork / LIGHT_DIVISOR);
        out.put("heavywork", (double) heavyWork);
        out.put("lightwork", (double) lightWork);

        Env env = Env.of(scheduler, 1);
        Work.Flag stop = new Work.Flag();
        Pair heavy = new Pair(heavyWork, checkpoint, stop, true);
        Pair light = new Pair(lightWork, checkpoint, stop, false);
        Pair first = heavyFirst ? heavy : light, second = heavyFirst ? light : heavy;
        CountDownLatch done = new CountDownLatch(4);
        for (Pair p : new Pair[] {first, second}) {
            for (int me = 0; me < 2; me++) {
                int m = me;
                env.go(() -> {
                    try {
                        p.member(m);
                    } finally {
                        done.countDown();
                    }
                });
            }
        }
        Thread.sleep(windowMs);
        long heavyTurns = heavy.turns, lightTurns = light.turns; // the snapshot at the end of the window
        stop.value = true;
        heavy.wakeAll();
        light.wakeAll();
        boolean ended = done.await(30, TimeUnit.SECONDS);
        out.putAll(env.counters());
        String err = env.shutdown();
        if (!ended) throw new IllegalStateException("the pairs did not end within 30 s of the stop flag");
        if (err != null) throw new IllegalStateException(err);

        double heavyIters = (double) heavyTurns * heavyWork, lightIters = (double) lightTurns * lightWork;
        out.put("heavyturns", (double) heavyTurns);
        out.put("lightturns", (double) lightTurns);
        out.put("heavyms", heavyIters * nsPerIter / 1e6); // estimated CPU time (calibrated)
        out.put("lightms", lightIters * nsPerIter / 1e6);
        out.put("ratio", lightIters == 0 ? Double.POSITIVE_INFINITY : heavyIters / lightIters);
        out.put("heavyturnms", heavy.medianTurnMs());
        return out;
    }

    private static double nsPerIter;

    /**
     * Iterations of the chosen loop that take about 1 ms here: warm the loop up on the child's
     * platform thread for about 300 ms, then take the fastest of 20 timed runs.
     */
    private static int calibrate(boolean checkpoint) {
        final int n = 200_000;
        long x = 1;
        long end = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < end) x = checkpoint ? Work.spinCheckpoint(x, n) : Work.spinPlain(x, n);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            x = checkpoint ? Work.spinCheckpoint(x, n) : Work.spinPlain(x, n);
            best = Math.min(best, System.nanoTime() - t0);
        }
        Work.sink = x;
        nsPerIter = (double) best / n;
        return (int) Math.max(1_000, Math.round(1_000_000 / nsPerIter / 1_000) * 1_000);
    }

    /** Two goroutines passing a ball; only the holder writes the counters. */
    static final class Pair {
        final int work;
        final boolean checkpoint;
        final Work.Flag stop;
        final boolean timed;
        volatile int ball; // whose turn: 0 or 1
        volatile long turns;
        volatile Thread m0, m1;
        private final long[] turnNs = new long[100_000];
        private int nTimed;

        Pair(int work, boolean checkpoint, Work.Flag stop, boolean timed) {
            this.work = work;
            this.checkpoint = checkpoint;
            this.stop = stop;
            this.timed = timed;
        }

        void member(int me) {
            if (me == 0) m0 = Thread.currentThread(); else m1 = Thread.currentThread();
            long x = 0x9E3779B97F4A7C15L + me;
            for (;;) {
                while (ball != me) {
                    if (stop.value) return;
                    LockSupport.park(this);
                }
                if (stop.value) {
                    pass(me, x);
                    return;
                }
                long t0 = timed ? System.nanoTime() : 0;
                x = checkpoint ? Work.spinCheckpoint(x, work) : Work.spinPlain(x, work);
                if (timed && nTimed < turnNs.length) turnNs[nTimed++] = System.nanoTime() - t0;
                turns = turns + 1;
                pass(me, x);
            }
        }

        /** Gives the ball to the partner (Dekker with the partner's publish-then-check in member). */
        private void pass(int me, long x) {
            Work.sink = x; // keeps the work
            ball = 1 - me;
            Thread p = me == 0 ? m1 : m0;
            if (p != null) LockSupport.unpark(p);
        }

        void wakeAll() {
            Thread a = m0, b = m1;
            if (a != null) LockSupport.unpark(a);
            if (b != null) LockSupport.unpark(b);
        }

        /** Median duration of a work turn, ms (the heavy pair; read after the members ended). */
        double medianTurnMs() {
            long[] t = Arrays.copyOf(turnNs, nTimed);
            return Stats.percentileMs(t, 0.5);
        }
    }
}
