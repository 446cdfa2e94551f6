package dev.gort.bench.overhead;

import java.util.HashMap;

/**
 * The code whose cost under the gort agent {@code dev.gort.bench.agent.AgentOverheadBench}
 * measures: plain Java with no gort import, in a package the agent is told to transform
 * ({@code include=dev.gort.bench.overhead.**}), so in the agent's forks each loop below carries
 * {@code Gort.checkpoint()} before its back-edge and nothing else changes. Every kernel takes its
 * input as arguments and returns a result that depends on all of its work, so the JIT can
 * neither drop nor hoist it out of the benchmark's batch loop.
 */
public final class Kernels {
    private Kernels() {}

    /** Length of {@link #sumArray}'s array: 16 KiB of ints, in L1/L2. */
    public static final int SUM_LENGTH = 4096;

    /**
     * A counted int loop over memory: the sum of an int array. Without a checkpoint C2 unrolls
     * and vectorises it (a reduction over SIMD lanes).
     */
    public static int sumArray(int[] a) {
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }

    /**
     * A counted int loop of scalar arithmetic, no memory: n steps of a multiply-add recurrence
     * (a dependency chain, so it is unrolled but cannot be vectorised).
     */
    public static int scalarLoop(int seed, int n) {
        int h = seed;
        for (int i = 0; i < n; i++) {
            h = h * 31 + i;
        }
        return h;
    }

    /** n steps of xorshift64: a call-free loop whose body is one dependent chain of shifts and xors. */
    public static long xorshift(long x, int n) {
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /**
     * c += a × b for n×n row-major double matrices, in i-k-j order: the inner loop is a
     * contiguous multiply-add over a row of b and c, which C2 vectorises when nothing else is in
     * the loop. Three nested loops, so three back-edges.
     */
    public static void matmul(double[] a, double[] b, double[] c, int n) {
        for (int i = 0; i < n; i++) {
            int ci = i * n;
            for (int k = 0; k < n; k++) {
                double aik = a[ci + k];
                int bk = k * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aik * b[bk + j];
                }
            }
        }
    }

    /** Naive recursive Fibonacci: about 1.6 million calls for n = 30 and no loop at all. */
    public static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    /**
     * A HashMap-heavy loop: for each key a get and a put (replacing the value, so nothing is
     * allocated) in a map that already holds every key. The loop's own back-edge is the only
     * checkpoint: HashMap's code is the JDK's and is never transformed.
     */
    public static long hashMapLoop(HashMap<Integer, Integer> map, Integer[] keys) {
        long s = 0;
        for (int i = 0; i < keys.length; i++) {
            Integer k = keys[i];
            Integer v = map.get(k);
            s += v;
            map.put(k, keys[(i + 1) & (keys.length - 1)]);
        }
        return s;
    }
}
