package dev.gort.bench;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Issue 2: gort against JDK virtual threads on the JDK's default scheduler, at the same
 * parallelism. The concrete classes {@link P1} and {@link P2} fix the parallelism for their
 * forks: GOMAXPROCS for gort, {@code jdk.virtualThreadScheduler.parallelism} and
 * {@code maxPoolSize} for the JDK. Every benchmark reports nanoseconds per operation (per
 * goroutine, per yield, per round trip); one invocation is a batch of operations run inside a
 * goroutine or virtual thread.
 *
 * <p>Names: {@code <workload>_gort} and {@code <workload>_jdk} run the same loop; only the
 * scheduler (and, for spawn/join, the idiomatic join primitive) differs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class SchedulerBench {
    /** Set by each concrete class's @Fork; the parallelism of both schedulers in that fork. */
    static final String PARALLELISM_PROPERTY = "gort.bench.parallelism";

    static final int SPAWNS = 1_000_000;
    static final int YIELDS = 10_000;
    static final int ROUND_TRIPS = 10_000;

    static int parallelism() {
        String v = System.getProperty(PARALLELISM_PROPERTY);
        if (v == null) {
            throw new IllegalStateException("-D" + PARALLELISM_PROPERTY + " is not set: run the P1/P2 benchmarks, whose @Fork sets it");
        }
        int p = Integer.parseInt(v);
        String jdk = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        if (jdk == null || Integer.parseInt(jdk) != p) {
            throw new IllegalStateException("jdk.virtualThreadScheduler.parallelism=" + jdk + " but " + PARALLELISM_PROPERTY + "=" + p);
        }
        return p;
    }

    // ---- 1. spawn and join 1,000,000 goroutines (ns per goroutine) ----

    /** The spawner is itself a goroutine; each child calls WaitGroup.done. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnJoin_gort(GortState s) throws Exception {
        GortRuntime rt = s.rt;
        rt.run(() -> {
            WaitGroup wg = new WaitGroup();
            wg.add(SPAWNS);
            Runnable task = wg::done;
            for (int i = 0; i < SPAWNS; i++) {
                Gort.go(task);
            }
            wg.await();
            return null;
        });
    }

    /** The spawner is itself a virtual thread; each child counts a CountDownLatch down. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public void spawnJoin_jdk(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> Workloads.spawnJoinLatch(Thread::startVirtualThread, SPAWNS));
    }

    // ---- 2. yield (ns per yield) ----

    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void yield_gort(GortState s) {
        s.rt.run(() -> Workloads.yieldLoop(Gort::gosched, YIELDS));
    }

    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void yield_jdk(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> Workloads.yieldLoop(Thread::yield, YIELDS));
    }

    // ---- 3. park/unpark ping-pong between two goroutines (ns per round trip) ----

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong_gort(GortState s) {
        GortRuntime rt = s.rt;
        rt.run(() -> Workloads.pingPong(rt::go, ROUND_TRIPS));
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong_jdk(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> Workloads.pingPong(Thread::startVirtualThread, ROUND_TRIPS));
    }
}
