package dev.gort.bench.agentprog;

/**
 * A CPU hog as an ordinary program would write it, with no gort import: xorshift64 steps until
 * {@link #stop} is set. The loop calls nothing, so without the gort agent no scheduler can take
 * the carrier from it; with the agent its back-edge carries the checkpoint (on every trip: it is
 * not a counted loop, so it is not strip-mined).
 */
public final class Spin implements Runnable {
    /** Set once, at the end of the run, by the program's platform timer thread. */
    public static volatile boolean stop;
    /** Written at the end so that the JIT keeps the work. */
    static volatile long sink;

    private final long seed;

    public Spin(long seed) {
        this.seed = seed;
    }

    @Override
    public void run() {
        long x = seed | 1;
        while (!stop) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
    }
}
