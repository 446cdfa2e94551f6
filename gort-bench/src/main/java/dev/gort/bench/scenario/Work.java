package dev.gort.bench.scenario;

import dev.gort.Gort;

/**
 * CPU-bound loops: xorshift64 steps, a dependent chain the JIT cannot fold. With
 * {@code checkpoint} each step also calls {@link Gort#checkpoint()} (a preemption point);
 * without it the loop makes no call at all, the case only sysmon's hand-off can handle.
 */
final class Work {
    private Work() {}

    /** Written at the end of each loop so that the JIT keeps the work. */
    static volatile long sink;

    static long xorshift(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    /** n steps with a checkpoint each. */
    static long spinCheckpoint(long x, int n) {
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            Gort.checkpoint();
        }
        return x;
    }

    /** n steps, no calls. */
    static long spinPlain(long x, int n) {
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** A hog: xorshift until stop is set (a volatile read every iteration), checkpoint or not. */
    static void hog(Flag stop, boolean checkpoint, long seed) {
        long x = seed | 1;
        if (checkpoint) {
            while (!stop.value) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                Gort.checkpoint();
            }
        } else {
            while (!stop.value) { // no calls: nothing gort could use to preempt it
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        }
        sink = x;
    }

    static final class Flag {
        volatile boolean value;
    }
}
