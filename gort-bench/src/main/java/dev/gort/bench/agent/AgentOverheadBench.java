package dev.gort.bench.agent;

import dev.gort.GortRuntime;
import dev.gort.bench.overhead.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Issue 5: what the gort agent's checkpoints cost in ordinary code. The measured code is
 * {@link Kernels} (transformed by the agent in the agent forks); this class is the harness and
 * is never transformed. {@link AgentOverhead} runs it in forks without and with the agent
 * ({@link AgentVariant}) and prints the ratios; run on its own (plain JMH) it measures whatever
 * JVM it is given and checks nothing.
 *
 * <p>Each workload runs twice: {@code _thread} on JMH's own thread, a platform thread, where a
 * checkpoint is a carrier lookup and a type check that fails; and {@code _goroutine} inside a
 * goroutine of a GOMAXPROCS=1 runtime, the checkpoint's real path (the carrier is an M, and its
 * preempt flag is read). A goroutine invocation is one {@code rt.run} around a batch of
 * operations, and the {@code _thread} twin runs the same batch. An {@code rt.run} costs a few
 * µs back to back ({@code emptyRun_goroutine}) but about 100 µs when gort's M has parked in
 * between ({@code emptyRunAfterIdle_goroutine}), which is the case of these batches; they take
 * about 12 ms without the agent, so that cost is under 1 %, and it only pulls the ratios
 * towards 1. Scores are nanoseconds per operation (one kernel call).
 *
 * <p>A batch runs longer than sysmon's 10 ms slice. Without the agent the preemption request is
 * ignored (no checkpoint), harmlessly as long as the batch ends before sysmon would hand the P
 * off (another 10 ms); with the agent the goroutine yields at a checkpoint every 10 ms or so,
 * which is part of the price. The tear-down prints gort's counters (preemptions, runaway
 * hand-offs) for each fork.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class AgentOverheadBench {
    /**
     * Operations per invocation: about 12 ms of work each without the agent (measured here), so
     * that an rt.run after idling (about 100 µs) is under 1 % of an invocation.
     */
    static final int SUM_BATCH = 12288, SCALAR_BATCH = 3840, XORSHIFT_BATCH = 1920, MATMUL_BATCH = 2, FIB_BATCH = 5,
            HASHMAP_BATCH = 320;
    /** Steps of scalarLoop and xorshift per operation, and the HashMap's size (a power of two). */
    static final int STEPS = 4096, MAP_SIZE = 4096;
    static final int MATRIX = 256, FIB = 30;

    GortRuntime rt;
    int[] ints;
    double[] ma, mb, mc;
    HashMap<Integer, Integer> map;
    Integer[] keys;
    /** Read from a field each time, so that fib's argument is not a constant. */
    int fibN = FIB;

    @Setup(Level.Trial)
    public void setup() {
        Kernels.fib(2); // loads Kernels: the agent, if any, transforms it now
        AgentVariant variant = AgentVariant.current();
        AgentProbe probe = AgentProbe.read();
        if (variant != null) variant.verify(probe);
        System.out.println("\n" + (variant == null ? "not started by AgentOverhead (nothing checked)" : "variant " + variant.name() + " checked")
                + "; " + (probe == null ? "no gort agent" : probe.text()));

        SplittableRandom r = new SplittableRandom(42);
        ints = r.ints(Kernels.SUM_LENGTH).toArray();
        ma = r.doubles(MATRIX * MATRIX).toArray();
        mb = r.doubles(MATRIX * MATRIX).toArray();
        mc = new double[MATRIX * MATRIX];
        keys = new Integer[MAP_SIZE];
        map = new HashMap<>(MAP_SIZE * 2);
        for (int i = 0; i < MAP_SIZE; i++) {
            keys[i] = r.nextInt(); // boxed once here: the loop allocates nothing
            map.put(keys[i], keys[i]);
        }
        rt = GortRuntime.builder().name("agent-overhead").gomaxprocs(1).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        String counters = rt.schedtrace(false).trim();
        rt.close();
        System.out.println("\ngort after the trial: " + counters);
        RuntimeException failure = rt.failure();
        if (failure != null) throw new IllegalStateException("gort runtime failed during the trial", failure);
    }

    // ---- the batches: each writes into its input so that no call can be hoisted out of the loop ----

    int sumBatch() {
        int acc = 0;
        int[] a = ints;
        for (int i = 0; i < SUM_BATCH; i++) {
            a[i & (Kernels.SUM_LENGTH - 1)] = acc;
            acc += Kernels.sumArray(a);
        }
        return acc;
    }

    int scalarBatch() {
        int acc = 0;
        for (int i = 0; i < SCALAR_BATCH; i++) acc += Kernels.scalarLoop(acc + i, STEPS);
        return acc;
    }

    long xorshiftBatch() {
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < XORSHIFT_BATCH; i++) x = Kernels.xorshift(x, STEPS);
        return x;
    }

    double matmulBatch() {
        for (int i = 0; i < MATMUL_BATCH; i++) Kernels.matmul(ma, mb, mc, MATRIX);
        return mc[(MATRIX * MATRIX) / 2];
    }

    int fibBatch() {
        int acc = 0;
        for (int i = 0; i < FIB_BATCH; i++) acc += Kernels.fib(fibN);
        return acc;
    }

    long hashMapBatch() {
        long acc = 0;
        for (int i = 0; i < HASHMAP_BATCH; i++) acc += Kernels.hashMapLoop(map, keys);
        return acc;
    }

    // ---- (a) counted int loops ----

    @Benchmark
    @OperationsPerInvocation(SUM_BATCH)
    public int sumArray_thread() {
        return sumBatch();
    }

    @Benchmark
    @OperationsPerInvocation(SUM_BATCH)
    public int sumArray_goroutine() throws Exception {
        return rt.run(this::sumBatch);
    }

    @Benchmark
    @OperationsPerInvocation(SCALAR_BATCH)
    public int scalarLoop_thread() {
        return scalarBatch();
    }

    @Benchmark
    @OperationsPerInvocation(SCALAR_BATCH)
    public int scalarLoop_goroutine() throws Exception {
        return rt.run(this::scalarBatch);
    }

    // ---- (b) a call-free loop ----

    @Benchmark
    @OperationsPerInvocation(XORSHIFT_BATCH)
    public long xorshift_thread() {
        return xorshiftBatch();
    }

    @Benchmark
    @OperationsPerInvocation(XORSHIFT_BATCH)
    public long xorshift_goroutine() throws Exception {
        return rt.run(this::xorshiftBatch);
    }

    // ---- (c) 256×256 double matrix multiply ----

    @Benchmark
    @OperationsPerInvocation(MATMUL_BATCH)
    public double matmul_thread() {
        return matmulBatch();
    }

    @Benchmark
    @OperationsPerInvocation(MATMUL_BATCH)
    public double matmul_goroutine() throws Exception {
        return rt.run(this::matmulBatch);
    }

    // ---- (d) recursion, no loop ----

    @Benchmark
    @OperationsPerInvocation(FIB_BATCH)
    public int fib_thread() {
        return fibBatch();
    }

    @Benchmark
    @OperationsPerInvocation(FIB_BATCH)
    public int fib_goroutine() throws Exception {
        return rt.run(this::fibBatch);
    }

    // ---- (e) HashMap get and put ----

    @Benchmark
    @OperationsPerInvocation(HASHMAP_BATCH)
    public long hashMap_thread() {
        return hashMapBatch();
    }

    @Benchmark
    @OperationsPerInvocation(HASHMAP_BATCH)
    public long hashMap_goroutine() throws Exception {
        return rt.run(this::hashMapBatch);
    }

    // ---- the fixed cost of a goroutine invocation ----

    /** rt.run back to back: gort's M is still looking for work when the next goroutine comes. */
    @Benchmark
    public int emptyRun_goroutine() throws Exception {
        return rt.run(() -> 1);
    }

    /** rt.run after 2 ms of JMH's thread asleep (outside the measured time): gort's M has parked. */
    @Benchmark
    public int emptyRunAfterIdle_goroutine(Idle idle) throws Exception {
        return rt.run(() -> 1);
    }

    /** Sleeps 2 ms before each invocation of the benchmark that takes it; not measured. */
    @State(Scope.Thread)
    public static class Idle {
        @Setup(Level.Invocation)
        public void pause() throws InterruptedException {
            Thread.sleep(2);
        }
    }
}
