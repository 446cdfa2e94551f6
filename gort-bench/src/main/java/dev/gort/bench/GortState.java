package dev.gort.bench;

import dev.gort.GortRuntime;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One gort runtime per trial (fork), with GOMAXPROCS equal to the fork's parallelism
 * ({@link SchedulerBench#PARALLELISM_PROPERTY}). Only the gort benchmarks use it, so the JDK
 * benchmarks run in a JVM with no gort threads.
 */
@State(Scope.Benchmark)
public class GortState {
    GortRuntime rt;

    @Setup(Level.Trial)
    public void start() {
        int p = SchedulerBench.parallelism();
        rt = GortRuntime.builder().name("bench").gomaxprocs(p).build();
        if (rt.gomaxprocs() != p) {
            throw new IllegalStateException("gort runtime has GOMAXPROCS " + rt.gomaxprocs() + ", wanted " + p);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (rt != null) {
            rt.close();
            RuntimeException failure = rt.failure();
            if (failure != null) throw new IllegalStateException("gort runtime failed during the trial", failure);
        }
    }
}
