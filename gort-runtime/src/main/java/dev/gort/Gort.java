package dev.gort;

import dev.gort.runtime.Proc;
import dev.gort.runtime.Sched;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Go's runtime API, statically: the runtime used is the calling goroutine's own, or, outside
 * goroutines, the default runtime (started on first use, with settings from system properties
 * and the environment; a new one is started if the last one failed or was shut down).
 */
public final class Gort {
    private Gort() {}

    private static final Object DEFAULT_LOCK = new Object();
    private static volatile GortRuntime defaultRuntime;

    /** The default runtime, started if needed. */
    public static GortRuntime defaultRuntime() {
        GortRuntime rt = defaultRuntime;
        if (rt != null && !rt.isShutdown()) return rt;
        synchronized (DEFAULT_LOCK) {
            rt = defaultRuntime;
            if (rt == null || rt.isShutdown()) {
                rt = GortRuntime.builder().name("gort").build();
                defaultRuntime = rt;
            }
            return rt;
        }
    }

    /** The runtime of the calling goroutine, else the default one. */
    static GortRuntime current() {
        Sched s = Proc.currentSched();
        if (s != null) {
            GortRuntime rt = GortRuntime.of(s);
            if (rt != null) return rt;
        }
        return defaultRuntime();
    }

    /**
     * Runs main as the main goroutine and returns its result or throws what it threw.
     * See {@link GortRuntime#run(Callable)}.
     */
    public static <T> T run(Callable<T> main) throws Exception {
        return current().run(main);
    }

    /** See {@link GortRuntime#run(Runnable)}. */
    public static void run(Runnable main) {
        current().run(main);
    }

    /** Starts a goroutine; returns its id. Go: the go statement. */
    public static long go(Runnable fn) {
        return current().go(fn);
    }

    /** Yields the processor; the goroutine goes to the global run queue. Go: runtime.Gosched. */
    public static void gosched() {
        Proc.gosched();
    }

    /**
     * A preemption point for long loops: if sysmon has asked the current goroutine to yield,
     * it yields. Costs one load and a check otherwise; a no-op outside goroutines.
     */
    public static void checkpoint() {
        Proc.checkpoint();
    }

    /**
     * Runs a blocking call as a system call: the goroutine's processor can be handed to another
     * thread while it blocks (Go's entersyscall / exitsyscall), so other goroutines keep running.
     * Returns what the call returns, throws what it throws. Outside goroutines it just calls.
     */
    public static <T> T syscall(Callable<T> call) throws Exception {
        java.util.Objects.requireNonNull(call, "gort: syscall(null)");
        Object token = dev.gort.runtime.Syscall.entersyscall();
        try {
            return call.call();
        } finally {
            dev.gort.runtime.Syscall.exitsyscall(token);
        }
    }

    /** Opens a declared blocking section; see {@link SyscallScope}. */
    public static SyscallScope enterSyscall() {
        return new SyscallScope(dev.gort.runtime.Syscall.entersyscall());
    }

    /**
     * Pauses the goroutine for at least d on a runtime timer (Go: time.Sleep); its P runs
     * other goroutines meanwhile. Outside goroutines it sleeps the thread.
     */
    public static void sleep(Duration d) {
        GortRuntime rt = current();
        dev.gort.runtime.Proc.sleep(rt.sched, d.toNanos());
    }

    /** A channel that receives the time once after d. Go: time.After. */
    public static Chan<Long> after(Duration d) {
        return Timer.newTimer(d).c();
    }

    /** Go: runtime.GOMAXPROCS(0). */
    public static int gomaxprocs() {
        return current().gomaxprocs();
    }

    /** Go: runtime.GOMAXPROCS(n); returns the previous value. */
    public static int gomaxprocs(int n) {
        return current().gomaxprocs(n);
    }

    /** Go: runtime.NumGoroutine. */
    public static int numGoroutine() {
        return current().numGoroutine();
    }

    /** The calling goroutine's id, or 0 outside goroutines. */
    public static long goroutineId() {
        return Proc.currentGoid();
    }
}
