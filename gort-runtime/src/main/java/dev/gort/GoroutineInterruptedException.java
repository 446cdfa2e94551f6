package dev.gort;

/**
 * A goroutine blocked in a gort operation that has no checked InterruptedException (a channel
 * send or receive, a select) was interrupted, typically by {@link GortRuntime#shutdownNow()}.
 * The operation did not happen; the thread's interrupt flag is set again.
 */
public final class GoroutineInterruptedException extends RuntimeException {
    public GoroutineInterruptedException(String blockedIn) {
        super("gort: interrupted while blocked in " + blockedIn);
    }
}
