package dev.gort.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The scheduler of virtual threads made by {@link dev.gort.Goroutines}' builders (and so by
 * every {@code Thread.ofVirtual()} call site the gort agent rewrote): each such thread is a
 * goroutine of one runtime. The JDK calls {@link #execute} with a thread's
 * {@code runContinuation} task; the first call for a task is the thread's {@code start}, which
 * makes its G (Go: newproc), and every later call is routed to that G (Go: ready).
 *
 * <p>A goroutine's own virtual threads are scheduled by its G directly; a spawned thread keeps
 * this executor as its scheduler for life (the JDK's field is final), so each of its wake-ups
 * costs one concurrent-map lookup more than a goroutine started with {@code Gort.go}.
 */
public final class Spawner implements Executor {
    private final Sched sched;
    private final ConcurrentHashMap<Runnable, G> gs = new ConcurrentHashMap<>();

    Spawner(Sched sched) {
        this.sched = sched;
    }

    @Override
    public void execute(Runnable r) {
        G gp = gs.get(r);
        if (gp != null) {
            gp.execute(r);
            return;
        }
        gp = newproc(r);
        gs.put(r, gp);
        Proc.readyNew(gp);
    }

    /** Thread.start of a spawned thread: its G, counted before the state check as newproc does. */
    private G newproc(Runnable runContinuation) {
        sched.ngoroutines.incrementAndGet();
        if (sched.state != Sched.RUNNING) {
            sched.goroutineEnded();
            throw new RejectedExecutionException("gort: virtual thread started on runtime \"" + sched.name()
                    + "\" after it was shut down");
        }
        G parent = Proc.getg();
        G gp = new G(sched, sched.newGoid(), parent == null ? 0 : parent.goid, null, false);
        gp.thread = JdkHooks.threadOfContinuationTask(runContinuation);
        if (gp.thread == null) {
            sched.goroutineEnded();
            throw new RejectedExecutionException("gort: cannot schedule a virtual thread (unrecognised JDK shape)");
        }
        gp.runContinuation = runContinuation;
        gp.spawnedBy = this;
        sched.allgs.add(gp);
        sched.nadopted.incrementAndGet();
        return gp;
    }

    /** A spawned goroutine ended: drop its route. Go: part of goexit0. */
    void forget(Runnable runContinuation) {
        gs.remove(runContinuation);
    }

    /** A builder of virtual threads that are goroutines of this runtime. */
    public Thread.Builder.OfVirtual builder() {
        return JdkHooks.virtualThreadBuilder(this);
    }

    /** The spawner of the current goroutine's runtime, else of the default runtime's sched. */
    public static Spawner of(Sched sched) {
        return sched.spawner;
    }
}
