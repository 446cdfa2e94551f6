package dev.gort;

import dev.gort.runtime.Timers;

import java.time.Duration;

/**
 * Ticks every period (Go: time.Ticker): the current {@link System#nanoTime} is sent on
 * {@link #c()}, a channel with a buffer of one; a tick the reader has not taken yet is dropped,
 * as Go's ticker drops ticks for slow receivers.
 */
public final class Ticker {
    private final Chan<Long> c = new Chan<>(1);
    private final Timers.Timer rt = new Timers.Timer(() -> c.trySend(System.nanoTime()));
    private final GortRuntime runtime;

    /** Go: time.NewTicker; the period must be positive. */
    public Ticker(Duration period) {
        this.runtime = Gort.current();
        start(period);
    }

    private void start(Duration period) {
        long ns = period.toNanos();
        if (ns <= 0) throw new IllegalArgumentException("gort: non-positive interval for Ticker: " + period);
        Timers.start(runtime.sched, rt, runtime.sched.nanotime() + ns, ns);
    }

    public Chan<Long> c() {
        return c;
    }

    /** No more ticks are sent (one already sent may still be in the channel). Go: Ticker.Stop. */
    public void stop() {
        Timers.stop(rt);
    }

    /** Stops it and restarts it with a new period. Go: Ticker.Reset. */
    public void reset(Duration period) {
        stop();
        start(period);
    }
}
