package dev.gort.bench;

import dev.gort.Gort;
import dev.gort.GortRuntime;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Issue 3 (d): the cost of {@link Gort#checkpoint()} in a hot loop inside a goroutine when no
 * preemption is pending (the common case: an intrinsic load of the carrier thread, a type
 * check, one volatile read of the M's preempt flag).
 *
 * <p>Each invocation runs one goroutine ({@code rt.run}) that loops {@value #N} times; every
 * iteration hands its counter to the Blackhole (JMH 1.37 uses compiler blackholes on JDK 25,
 * which cost about nothing and keep the loop). {@code emptyLoop} is the same loop without the
 * checkpoint: checkpoint's cost is the difference. A loop of 10^6 cheap iterations takes about
 * 1 ms, well under sysmon's 10 ms slice, and every invocation is a new goroutine, so no
 * preemption is requested during the loop (the tear-down prints gort's counters to show it).
 * {@code checkpointOnPlatformThread} is the same loop on JMH's own thread (not a goroutine:
 * the carrier check fails and nothing else is read).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class CheckpointBench {
    static final int N = 1_000_000;

    GortRuntime rt;

    @Setup(Level.Trial)
    public void start() {
        rt = GortRuntime.builder().name("checkpoint-bench").gomaxprocs(1).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        String counters = rt.schedtrace(false).trim();
        rt.close();
        System.out.println("\ngort after the trial: " + counters);
        RuntimeException failure = rt.failure();
        if (failure != null) throw new IllegalStateException("gort runtime failed during the trial", failure);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void checkpoint(Blackhole bh) {
        rt.run(() -> {
            for (int i = 0; i < N; i++) {
                Gort.checkpoint();
                bh.consume(i);
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void emptyLoop(Blackhole bh) {
        rt.run(() -> {
            for (int i = 0; i < N; i++) {
                bh.consume(i);
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void checkpointOnPlatformThread(Blackhole bh) {
        for (int i = 0; i < N; i++) {
            Gort.checkpoint();
            bh.consume(i);
        }
    }
}
