package dev.gort;

/**
 * Runs an action exactly once (Go: sync.Once). Callers that arrive while it runs wait for it to
 * finish. If the action throws, Once counts it as done (as Go does after a panic) and rethrows
 * to that caller only.
 */
public final class Once {
    private volatile boolean done;
    private final Mutex m = new Mutex();

    public void run(Runnable f) {
        if (done) return; // fast path
        m.lock();
        try {
            if (!done) {
                try {
                    f.run();
                } finally {
                    done = true;
                }
            }
        } finally {
            m.unlock();
        }
    }

    public boolean isDone() {
        return done;
    }
}
