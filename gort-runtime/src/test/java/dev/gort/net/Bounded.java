package dev.gort.net;

import dev.gort.GortRuntime;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Runs a body as a runtime's main goroutine, failing with a state dump instead of hanging. */
final class Bounded {
    private Bounded() {}

    /**
     * Runs body as rt's main goroutine (from a platform thread of its own) and returns its result,
     * or throws what it throws; if it has not finished within limit, fails with what state()
     * says about the scheduler instead of hanging until the test's timeout.
     */
    static <T> T run(GortRuntime rt, String what, Duration limit, Supplier<String> state, Callable<T> body) throws Exception {
        AtomicReference<Object> out = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().name("bounded-" + what).start(() -> {
            try {
                out.set(new Object[] {rt.run(body)});
            } catch (Throwable t) {
                out.set(t);
            }
        });
        runner.join(limit);
        Object r = out.get();
        if (r == null) throw new AssertionError(what + ": the goroutine did not finish in " + limit.toSeconds() + " s" + state.get());
        if (r instanceof Exception e) throw e;
        if (r instanceof Error e) throw e;
        if (r instanceof Throwable t) throw new AssertionError(t);
        @SuppressWarnings("unchecked") T v = (T) ((Object[]) r)[0];
        return v;
    }
}
