package dev.gort;

/**
 * Thrown by {@code run} when another goroutine ended with an uncaught exception under
 * {@link PanicPolicy#CRASH}. The cause is that exception.
 */
public final class GoroutinePanicException extends RuntimeException {
    private final long goroutineId;

    public GoroutinePanicException(long goroutineId, Throwable cause) {
        super("panic in goroutine " + goroutineId + ": " + cause, cause);
        this.goroutineId = goroutineId;
    }

    /** The id of the goroutine that panicked. */
    public long goroutineId() {
        return goroutineId;
    }
}
