package dev.gort;

/**
 * The runtime needed more threads (Ms) than its limit. Go: checkmcount's
 * "runtime: program exceeds N-thread limit" / "thread exhaustion". Fatal for the runtime:
 * every pending {@code run} throws it.
 */
public final class ThreadExhaustionException extends IllegalStateException {
    private final int limit;

    public ThreadExhaustionException(int limit) {
        super("runtime: program exceeds " + limit + "-thread limit; fatal error: thread exhaustion "
                + "(raise it with GortRuntime.builder().maxThreads(n) or -Dgort.maxthreads=n)");
        this.limit = limit;
    }

    /** The thread limit that was reached. */
    public int limit() {
        return limit;
    }
}
