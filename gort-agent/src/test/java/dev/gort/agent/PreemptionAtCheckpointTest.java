package dev.gort.agent;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import corpus.spin.Spin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A checkpoint the agent inserted really preempts: the loops of {@code corpus.spin.Spin} call
 * nothing that could yield, so as compiled a goroutine running them keeps its processor; once
 * transformed, sysmon's request (1 ms time slice here) is answered at the back-edge.
 */
@Timeout(60)
class PreemptionAtCheckpointTest {
    private static final Map<String, byte[]> ORIGINAL = ClassBytes.ofPackage("corpus.spin");
    private static final String SPIN = "corpus.spin.Spin";

    private static Map<String, byte[]> transformed() {
        AgentStats stats = new AgentStats();
        Instrumenter in = new Instrumenter(AgentOptions.DEFAULTS, stats);
        Map<String, byte[]> classes = new HashMap<>(ORIGINAL);
        Instrumenter.Result r = in.instrument(ClassBytes.internalName(SPIN), PreemptionAtCheckpointTest.class.getClassLoader(), ORIGINAL.get(SPIN));
        assertTrue(r.changed(), "Spin is transformed: " + r.failure());
        assertEquals(Bytecode.backEdges(ORIGINAL.get(SPIN)), stats.backEdges(), "a checkpoint at each back-edge");
        classes.put(SPIN, r.bytes());
        return classes;
    }

    private static Class<?> spinClass(Map<String, byte[]> classes) throws ClassNotFoundException {
        return Class.forName(SPIN, true, new ChildFirstLoader("spin", classes, PreemptionAtCheckpointTest.class.getClassLoader()));
    }

    /** Whether the spinner saw the stop before its deadline, and the runtime's counters afterwards. */
    private record Stopped(boolean beforeDeadline, String schedtrace) {}

    /**
     * One processor that a running goroutine cannot lose for a minute (the longest settings both
     * for ignoring a preemption request and for a carrier that looks blocked, so no hand-off),
     * and a 1 ms time slice: the main goroutine starts a spinner, waits until it runs, then tells
     * it to stop. The main goroutine can only run again if the spinner yields its processor.
     */
    private static Stopped spinnerStoppedByAnotherGoroutine(Map<String, byte[]> classes, Duration limit) throws Exception {
        Class<?> spin = spinClass(classes);
        Method spinUntilStopped = spin.getMethod("spinUntilStopped", long.class);
        Field started = spin.getField("started"), stop = spin.getField("stop");
        try (GortRuntime rt = GortRuntime.builder().name("one-p").gomaxprocs(1).forcePreempt(Duration.ofMillis(1))
                .ignoredPreemption(Duration.ofSeconds(60)).blockedCarrier(Duration.ofSeconds(60))
                .runawayReport(Duration.ZERO).build()) {
            boolean stopped = rt.run(() -> {
                CompletableFuture<Boolean> result = new CompletableFuture<>();
                long deadline = System.nanoTime() + limit.toNanos();
                rt.go(() -> {
                    try {
                        result.complete((Boolean) spinUntilStopped.invoke(null, deadline));
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
                while (!started.getBoolean(null)) Gort.gosched();
                stop.setBoolean(null, true);
                return result.get();
            });
            return new Stopped(stopped, rt.schedtrace(false).strip());
        }
    }

    @Test
    void aTransformedLoopYieldsItsProcessorToAnotherGoroutine() throws Exception {
        Stopped s = spinnerStoppedByAnotherGoroutine(transformed(), Duration.ofSeconds(20));
        assertTrue(s.beforeDeadline(), "the spinner was preempted at a checkpoint, so the main goroutine could stop it: " + s.schedtrace());
    }

    /** The control: the same loop as compiled is not preempted, so the stop comes only after its deadline. */
    @Test
    void theSameLoopUntransformedKeepsItsProcessor() throws Exception {
        Stopped s = spinnerStoppedByAnotherGoroutine(ORIGINAL, Duration.ofMillis(300));
        assertFalse(s.beforeDeadline(), "without checkpoints nothing could run the main goroutine before the deadline: " + s.schedtrace());
    }

    /**
     * One goroutine spinning for 200 ms alone on one processor with a 1 ms time slice: each
     * preemption at a checkpoint sends it through the global run queue and the scheduler runs it
     * again, which the processor's count of goroutines executed shows.
     */
    @Test
    void aLoneSpinnerIsPreemptedRepeatedly() throws Exception {
        Method spinFor = spinClass(transformed()).getMethod("spinFor", long.class);
        try (GortRuntime rt = GortRuntime.builder().name("lone").gomaxprocs(1).forcePreempt(Duration.ofMillis(1))
                .runawayReport(Duration.ZERO).build()) {
            long before = executed(rt);
            long trips = rt.run(() -> (Long) spinFor.invoke(null, Duration.ofMillis(200).toNanos()));
            long reschedules = executed(rt) - before - 1;
            System.out.println("lone spinner: " + trips + " trips, " + reschedules + " times rescheduled after preemption; "
                    + rt.schedtrace(false).strip());
            assertTrue(reschedules >= 10, "preempted and rescheduled at least 10 times in 200 ms (1 ms slices): " + reschedules);
        }
    }

    /**
     * The same with a strip-mined loop (call-free, counted: no check inside a strip of 4,096
     * trips): the check between strips answers the requests.
     */
    @Test
    void aStripMinedLoopIsPreemptedBetweenStrips() throws Exception {
        Method countedLoop = spinClass(transformed()).getMethod("countedLoop", int.class);
        try (GortRuntime rt = GortRuntime.builder().name("strips").gomaxprocs(1).forcePreempt(Duration.ofMillis(1))
                .ignoredPreemption(Duration.ofSeconds(60)).blockedCarrier(Duration.ofSeconds(60))
                .runawayReport(Duration.ZERO).build()) {
            long before = executed(rt), t0 = System.nanoTime();
            int h = rt.run(() -> (Integer) countedLoop.invoke(null, 300_000_000));
            long ms = (System.nanoTime() - t0) / 1_000_000, reschedules = executed(rt) - before - 1;
            System.out.println("strip-mined loop: " + ms + " ms, " + reschedules + " times rescheduled after preemption; "
                    + rt.schedtrace(false).strip());
            assertEquals(Spin.countedLoop(300_000_000), h, "the same result as the original");
            assertTrue(reschedules >= Math.min(10, ms / 4), "preempted between strips, about once per 1 ms slice, in "
                    + ms + " ms: " + reschedules);
        }
    }

    private static long executed(GortRuntime rt) {
        long n = 0;
        for (long[] p : rt.perProcessorCounters()) n += p[1];
        return n;
    }
}
