package dev.gort.runtime;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Changing GOMAXPROCS: stop the world, resize allp, start the world.
 * Go: proc.go stopTheWorldWithSema, startTheWorldWithSema, procresize; debug.go GOMAXPROCS.
 */
final class Procresize {
    private Procresize() {}

    /**
     * Sets GOMAXPROCS and returns the previous value. Any thread. The stop-the-world runs on a
     * platform thread of its own (a goroutine cannot stop the world while it holds a P: it
     * waits, parked, so its P stops with the others). Go: runtime.GOMAXPROCS.
     */
    static int gomaxprocs(Sched sched, int n) {
        Sched.checkGomaxprocs(n);
        if (sched.isShutdown()) {
            throw new IllegalStateException("gort: GOMAXPROCS on runtime \"" + sched.name() + "\" after it was shut down");
        }
        int prev = sched.gomaxprocs;
        if (n == prev) return prev;
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("gort-stw").start(() -> {
            try {
                done.complete(resize(sched, n));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The resize goes on and completes; the caller only stops waiting.
            throw new IllegalStateException("gort: interrupted while waiting for GOMAXPROCS(" + n + ")", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs on the STW thread: stop, resize, start. */
    private static int resize(Sched sched, int n) {
        sched.worldsema.lock();
        try {
            int prev = sched.gomaxprocs;
            stopTheWorld(sched);
            startTheWorld(sched, n);
            return prev;
        } finally {
            sched.worldsema.unlock();
        }
    }

    /**
     * Stops every P: idle ones at once, running ones at their next scheduling point (their
     * goroutines are asked to yield at the next checkpoint, and asked again every 100 us).
     * The caller holds no P. Go: stopTheWorldWithSema.
     */
    static void stopTheWorld(Sched sched) {
        ReentrantLock lock = sched.lock;
        sched.lockSched();
        try {
            sched.nstw.incrementAndGet();
            sched.stopwait = sched.gomaxprocs;
            sched.gcwaiting = true;
            preemptall(sched);
            // stop idle Ps
            for (P pp; (pp = sched.pidleget()) != null; ) {
                pp.status = P._Pgcstop;
                sched.stopwait--;
            }
            // stop Ps in syscalls: they come back through exitsyscall's slow path
            for (P pp : sched.allp) {
                if (pp.status == P._Psyscall && pp.casStatus(P._Psyscall, P._Pgcstop)) {
                    pp.syscalltick = pp.syscalltick + 1;
                    sched.stopwait--;
                }
            }
            // wait for the running Ps to stop
            while (sched.stopwait > 0) {
                try {
                    if (!sched.stopnote.await(100, TimeUnit.MICROSECONDS)) preemptall(sched);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    // keep waiting: the world must be stopped before we return
                }
            }
            for (P pp : sched.allp) {
                if (pp.status != P._Pgcstop) {
                    throw new IllegalStateException("stopTheWorld: not stopped: " + pp);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Restarts the world with nprocs Ps. Go: startTheWorldWithSema. */
    static void startTheWorld(Sched sched, int nprocs) {
        P runnable;
        sched.lockSched();
        try {
            runnable = procresize(sched, nprocs);
            sched.gcwaiting = false;
        } finally {
            sched.lock.unlock();
        }
        while (runnable != null) {
            P pp = runnable;
            runnable = pp.link;
            pp.link = null;
            Proc.startm(sched, pp, false);
        }
        Sysmon.wake(sched);
        // Wake up an additional proc in case we have excessive runnable goroutines in local
        // queues or in the global queue.
        Proc.wakep(sched);
    }

    /** Asks every running G to yield. Sched lock held. Go: preemptall. */
    static void preemptall(Sched sched) {
        for (P pp : sched.allp) {
            if (pp.status == P._Prunning) Proc.preemptone(pp);
        }
    }

    /**
     * Changes the number of Ps. The world is stopped (or the runtime is being created); sched
     * lock held. Gs on destroyed Ps move to the head of the global queue, in order. Returns the
     * Ps that have local work, linked; the rest go on the idle list. Go: procresize.
     */
    static P procresize(Sched sched, int nprocs) {
        P[] old = sched.allp;
        int oldn = old.length;
        // Destroy Ps beyond nprocs: their Gs go to the global queue head, keeping their order.
        for (int i = oldn - 1; i >= nprocs; i--) {
            P pp = old[i];
            G list = pp.runq.drain();
            G[] gs = toArray(list);
            for (int k = gs.length - 1; k >= 0; k--) {
                sched.globrunqputhead(gs[k]);
            }
            pp.status = P._Pdead;
            pp.m = null;
            Malloc.orphan(sched, pp); // Go: freemcache (flushed by sysmon)
        }
        P[] nallp = Arrays.copyOf(old, nprocs);
        for (int i = oldn; i < nprocs; i++) {
            nallp[i] = new P(i, sched.config.runqCapacity());
        }
        // Timers move with their P: those of destroyed Ps go to P0. Go: moveTimers.
        for (int i = nprocs; i < oldn; i++) Timers.moveTimers(old[i], nallp[0]);
        sched.allp = nallp;
        sched.gomaxprocs = nprocs;
        sched.stealCoprimes = Proc.coprimes(nprocs);
        P runnable = null;
        for (int i = nprocs - 1; i >= 0; i--) {
            P pp = nallp[i];
            pp.m = null;
            if (pp.runq.isEmpty()) {
                sched.pidleput(pp);
            } else {
                pp.status = P._Pidle;
                pp.link = runnable;
                runnable = pp;
            }
        }
        return runnable;
    }

    private static G[] toArray(G list) {
        int n = 0;
        for (G g = list; g != null; g = g.schedlink) n++;
        G[] a = new G[n];
        int i = 0;
        for (G g = list; g != null; ) {
            G next = g.schedlink;
            g.schedlink = null;
            a[i++] = g;
            g = next;
        }
        return a;
    }
}
