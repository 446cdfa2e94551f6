package dev.gort;

/**
 * No goroutine of the runtime can ever run again: every one waits on something only another
 * goroutine could signal, and nothing else (a timer, a syscall, a poll, a thread outside gort)
 * can wake them. The message begins {@code all goroutines are asleep - deadlock!} and is
 * followed by a dump of every goroutine (id, state, wait reason and time, stack), as Go prints.
 * Go: checkdead's fatal error.
 */
public final class DeadlockException extends RuntimeException {
    public DeadlockException(String message) {
        super(message);
    }
}
