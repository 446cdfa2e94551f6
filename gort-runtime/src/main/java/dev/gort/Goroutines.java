package dev.gort;

import dev.gort.runtime.Spawner;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's ways of making virtual threads, making goroutines instead: each method has the
 * signature of the JDK method it stands for, so code written for JDK virtual threads moves to
 * gort's scheduler by changing the class it calls (the gort agent does exactly that at every
 * call site it finds; see gort-agent).
 *
 * <p>The threads are real {@code java.lang.VirtualThread}s, as with the JDK methods: names,
 * thread locals, interrupts, {@code join}, uncaught-exception handlers and thread dumps behave
 * as usual. What changes is who runs them: gort's Ps and Ms, with sysmon's preemption,
 * syscall hand-off and deadlock detection. They belong to the runtime of the goroutine that
 * calls the method, or, outside goroutines, to the {@linkplain Gort#defaultRuntime() default
 * runtime}. Starting one on a runtime that has been shut down throws
 * {@link java.util.concurrent.RejectedExecutionException}, as a shut-down executor does.
 */
public final class Goroutines {
    private Goroutines() {}

    /** Stands for {@link Thread#ofVirtual()}: a builder whose threads are goroutines. */
    public static Thread.Builder.OfVirtual ofVirtual() {
        return Spawner.of(Gort.current().sched).builder();
    }

    /** Stands for {@link Thread#startVirtualThread(Runnable)}: starts a goroutine, returns its thread. */
    public static Thread startVirtualThread(Runnable task) {
        Objects.requireNonNull(task, "task");
        return ofVirtual().start(task);
    }

    /**
     * Stands for {@link Executors#newVirtualThreadPerTaskExecutor()}: an executor that runs each
     * task in a new goroutine.
     */
    public static ExecutorService newVirtualThreadPerTaskExecutor() {
        return Executors.newThreadPerTaskExecutor(ofVirtual().factory());
    }
}
