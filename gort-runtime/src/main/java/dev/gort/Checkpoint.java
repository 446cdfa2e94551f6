package dev.gort;

import dev.gort.runtime.Proc;

/**
 * The flag behind every checkpoint, public so that code the gort agent instruments can test it
 * inline. Hand-written code calls {@link Gort#checkpoint()}, which is the same test.
 *
 * <p>The agent puts {@code getstatic dev/gort/Checkpoint.pending I; ifeq skip; invokestatic
 * dev/gort/Checkpoint.slowPath()V; skip:} into each instrumented method rather than a call to
 * {@code Gort.checkpoint()}: the JIT keeps a branch profile per bytecode, so a branch inside a
 * shared method that it inlines everywhere has one profile for the whole program, and a
 * preemption taken in any loop while the JIT profiles would make every loop compile the slow
 * path's call in. Inline, each loop has a profile of its own. Go: the prologue's
 * {@code SP < g.stackguard0} test, whose slow path is {@code runtime.morestack}.
 */
public final class Checkpoint {
    private Checkpoint() {}

    /**
     * How many Ms, in every runtime of this JVM, have a preemption request set: nearly always 0
     * (a request lives from sysmon's preemptone to the goroutine's yield, microseconds, one per
     * 10 ms slice). Read-only outside the runtime, which keeps it with atomic adds as it sets
     * and clears an M's flag ({@code M.setPreempt}, {@code clearPreempt}); anything else that
     * writes it breaks preemption. Volatile so that a loop re-reads it on every trip.
     */
    public static volatile int pending;

    /**
     * The rest of a checkpoint, once {@link #pending} was seen non-zero: if the request is for
     * the current goroutine, it yields. Outside goroutines, or when another M has the request, it
     * returns at once. Go: morestack → newstack → gopreempt_m.
     */
    public static void slowPath() {
        Proc.checkpointSlow();
    }
}
