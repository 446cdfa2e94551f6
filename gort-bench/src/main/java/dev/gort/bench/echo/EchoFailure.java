package dev.gort.bench.echo;

/**
 * A failed echo run, with the message for the result table: a wrong or short echo, a lost
 * connection, a server that exited or stalled. No stack trace: the message says it all.
 */
final class EchoFailure extends RuntimeException {
    EchoFailure(String message) {
        super(message, null, false, false);
    }
}
