package dev.gort;

import dev.gort.runtime.Timers;

import java.time.Duration;
import java.util.Objects;

/**
 * A single event after a delay (Go: time.Timer). When it fires, the current {@link System#nanoTime}
 * is sent on {@link #c()} (a channel with a buffer of one, as Go's), or, for
 * {@link #afterFunc}, the function runs in a goroutine of its own. Timers live on the runtime's
 * per-P timer heaps and are run by its scheduler.
 */
public final class Timer {
    private final Chan<Long> c;
    private final Timers.Timer rt;
    private final GortRuntime runtime;

    private Timer(GortRuntime runtime, Chan<Long> c, Runnable f) {
        this.runtime = runtime;
        this.c = c;
        this.rt = new Timers.Timer(f);
    }

    /** A timer that sends on c() after d. Go: time.NewTimer. */
    public static Timer newTimer(Duration d) {
        GortRuntime rt = Gort.current();
        Chan<Long> c = new Chan<>(1);
        Timer t = new Timer(rt, c, () -> c.trySend(System.nanoTime()));
        t.arm(d);
        return t;
    }

    /** Runs f in a new goroutine after d. Go: time.AfterFunc. */
    public static Timer afterFunc(Duration d, Runnable f) {
        Objects.requireNonNull(f, "gort: afterFunc(null)");
        GortRuntime rt = Gort.current();
        Timer t = new Timer(rt, null, () -> rt.go(f));
        t.arm(d);
        return t;
    }

    private void arm(Duration d) {
        long ns = Math.max(0, d.toNanos());
        Timers.start(runtime.sched, rt, runtime.sched.nanotime() + ns, 0);
    }

    /** The channel the time is sent on (null for an afterFunc timer). */
    public Chan<Long> c() {
        return c;
    }

    /** Stops the timer; true if that prevented it from firing. Go: Timer.Stop. */
    public boolean stop() {
        return Timers.stop(rt);
    }

    /** Stops it and arms it again for d; true if it had been waiting. Go: Timer.Reset. */
    public boolean reset(Duration d) {
        boolean active = stop();
        arm(d);
        return active;
    }
}
