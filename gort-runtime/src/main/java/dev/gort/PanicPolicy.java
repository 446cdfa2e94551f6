package dev.gort;

/**
 * What an uncaught exception in a goroutine does. The main goroutine of a {@code run} is not
 * covered: its exception is what {@code run} throws.
 */
public enum PanicPolicy {
    /**
     * The default, closest to Go: print the panic report (goroutine id, its stack, the
     * exception), make every pending {@code run} throw {@link GoroutinePanicException}, and shut
     * the runtime down (its goroutines are interrupted).
     */
    CRASH,
    /** Print the report; the goroutine ends, the rest of the runtime goes on. */
    REPORT,
    /** Print the report and exit the JVM with status 2, as a Go program does. */
    EXIT
}
