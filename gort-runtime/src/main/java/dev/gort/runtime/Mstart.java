package dev.gort.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How an M comes to life and ends, following the chain the seeds trace:
 * newm → allocm → newm1 → newosproc → (thread start) → mstart → mstart1 → mstartfn or schedule.
 * Go: proc.go newm, allocm, newm1, mstart, mstart1, mexit; os_linux.go newosproc.
 */
final class Mstart {
    private Mstart() {}

    /** mstartfn of an M started by startm(..., spinning=true). Go: mspinning. */
    static final Runnable MSPINNING = () -> { };

    /**
     * Creates a new M. It will start off with a call to fn, or else the scheduler, and holds
     * pp (may be null) when it enters schedule. id is a reserved M id, or -1 to reserve one.
     * Sched lock not held. Go: newm.
     */
    static M newm(Sched sched, Runnable fn, P pp, long id) {
        M mp = allocm(sched, fn, id, null);
        mp.nextp = pp;
        newm1(mp);
        return mp;
    }

    /** newm with a thread name of its own (gort-sysmon). */
    static M newm(Sched sched, Runnable fn, P pp, long id, String name) {
        M mp = allocm(sched, fn, id, name);
        mp.nextp = pp;
        newm1(mp);
        return mp;
    }

    /**
     * Allocates an M not yet associated with any thread, recording fn as its mstartfn.
     * Go: allocm (+ mcommoninit: the id, the allm link).
     */
    static M allocm(Sched sched, Runnable fn, long id, String name) {
        sched.lockSched();
        try {
            if (id < 0) id = sched.mReserveID();
            M mp = new M(sched, id, fn, name != null ? name : "gort-m" + id);
            sched.allm.add(mp);
            return mp;
        } finally {
            sched.lock.unlock();
        }
    }

    /** Go: newm1 (the cgo branch does not exist here). */
    static void newm1(M mp) {
        newosproc(mp);
    }

    /**
     * Starts the platform thread; its body is mstart. Go: newosproc → clone(..., mstart).
     * A failure to create the thread is fatal, as Go's "newosproc" throw.
     */
    static void newosproc(M mp) {
        try {
            mp.start();
        } catch (OutOfMemoryError | RuntimeException e) {
            Sched sched = mp.sched;
            sched.lockSched();
            try {
                sched.mexited(mp);
                P pp = mp.nextp;
                mp.nextp = null;
                if (pp != null) {
                    sched.globrunqputbatch(pp.runq.drain());
                    sched.pidleput(pp);
                }
                if (mp.mstartfn == MSPINNING) sched.nmspinning.decrementAndGet();
            } finally {
                sched.lock.unlock();
            }
            sched.fatal(new IllegalStateException("runtime: failed to create new OS thread (" + e + "); fatal error: newosproc", e));
        }
    }

    /** Entry point of every M's thread. Go: mstart / mstart0, then mexit. */
    static void mstart(M mp) {
        try {
            mstart1(mp);
        } catch (Throwable t) {
            // A runtime bug: say so loudly, fail the runtime.
            System.err.println("gort: fatal error on " + mp.getName() + ": " + t);
            t.printStackTrace();
            mp.sched.fatal(new IllegalStateException("gort: fatal error on " + mp.getName() + ": " + t, t));
        } finally {
            mexit(mp);
        }
    }

    /** Go: mstart1. Runs mstartfn if set; then, for a scheduling M, acquires nextp and schedules. */
    static void mstart1(M mp) {
        mp.procid = gettid();
        OsThread.minit(mp.sched.config.tunables());
        Runnable fn = mp.mstartfn;
        if (fn == MSPINNING) {
            mp.spinning = true; // startm's caller incremented nmspinning
        } else if (fn != null) {
            fn.run();           // sysmon never returns until the runtime ends
            return;
        }
        P pp = mp.nextp;
        mp.nextp = null;
        Proc.awake(mp); // its running starts now, not at allocm
        if (pp != null) Proc.acquirep(mp, pp);
        if (mp.p == null) {
            // Started without a P: go idle until startm hands us one.
            if (mp.spinning) {
                mp.spinning = false;
                mp.sched.nmspinning.decrementAndGet();
            }
            if (!Proc.stopm(mp)) return;
        }
        Proc.schedule(mp);
    }

    /** Tears down the exiting M: gives back its P, drops it from allm. Go: mexit. */
    static void mexit(M mp) {
        mp.clearPreempt(); // an exiting M must not leave every checkpoint on its slow path
        Sched sched = mp.sched;
        P pp = mp.p;
        if (pp != null) {
            Proc.releasep(mp);
            sched.lockSched();
            try {
                // Whatever is still queued goes to the global queue (nothing should be: the
                // runtime ended, but an M must never die holding work).
                while (!pp.runq.isEmpty()) sched.globrunqputbatch(pp.runq.drain());
                sched.pidleput(pp);
            } finally {
                sched.lock.unlock();
            }
        }
        if (mp.spinning) {
            mp.spinning = false;
            sched.nmspinning.decrementAndGet();
        }
        sched.lockSched();
        try {
            sched.mexited(mp);
        } finally {
            sched.lock.unlock();
        }
    }

    /** The kernel thread id of the calling thread (Linux), or -1. Go: gettid in newosproc's child. */
    static long gettid() {
        try {
            // "/proc/thread-self" → "<pid>/task/<tid>"
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            return Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
        } catch (Exception | Error e) {
            return -1;
        }
    }
}
