package dev.gort;

import dev.gort.runtime.Syscall;

/**
 * A declared blocking section: while it is open the goroutine's processor may be handed to
 * another thread (Go's entersyscall / exitsyscall). Use with try-with-resources:
 * <pre>{@code
 * try (SyscallScope s = Gort.enterSyscall()) {
 *     n = channel.read(buf); // a blocking call
 * }
 * }</pre>
 * Outside goroutines it does nothing. Close it on the thread that opened it, once.
 */
public final class SyscallScope implements AutoCloseable {
    private Object token;
    private final Thread owner = Thread.currentThread();

    SyscallScope(Object token) {
        this.token = token;
    }

    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("gort: a SyscallScope must be closed by the thread that opened it");
        }
        Object t = token;
        token = null;
        if (t != null) Syscall.exitsyscall(t);
    }
}
