package dev.gort.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.reflect.Field;
import java.util.concurrent.ForkJoinPool;

/**
 * Checks, once per trial, that the JDK's default virtual-thread scheduler really has the
 * fork's parallelism (the system properties are read when VirtualThread is initialised, so a
 * misspelt or missing flag would silently measure the wrong thing).
 */
@State(Scope.Benchmark)
public class JdkState {
    @Setup(Level.Trial)
    public void check() throws Exception {
        int p = SchedulerBench.parallelism();
        Class<?> vt = Class.forName("java.lang.VirtualThread");
        Field f = vt.getDeclaredField("DEFAULT_SCHEDULER");
        f.setAccessible(true); // needs --add-opens java.base/java.lang=ALL-UNNAMED, as gort does
        ForkJoinPool pool = (ForkJoinPool) f.get(null);
        if (pool.getParallelism() != p) {
            throw new IllegalStateException("JDK default scheduler has parallelism " + pool.getParallelism() + ", wanted " + p);
        }
    }
}
