package dev.gort.runtime;

/**
 * Declared blocking calls. Go: proc.go entersyscall / exitsyscall.
 *
 * <p>entersyscall puts the goroutine in _Gsyscall and leaves its P in _Psyscall, unowned, for
 * sysmon to retake (retake's rules) if the call takes long and there is other work. The
 * goroutine runs the call on its M without a P. exitsyscall's fast path takes the same P back
 * if it is still _Psyscall, else an idle P; else the goroutine yields to the global run queue
 * and its M stops (Go's exitsyscall0).
 */
public final class Syscall {
    private Syscall() {}

    /** Go: entersyscall. Returns the goroutine, or null outside goroutines (a no-op then). */
    public static Object entersyscall() {
        G gp = Proc.getg();
        if (gp == null) return null;
        M mp = gp.m;
        Sched sched = gp.sched;
        mp.locks = mp.locks + 1;
        try {
            long w = gp.statusWord();
            gp.setStatusWord(G.word(G.seqOf(w), G._Gsyscall));
            for (;;) {
                P pp = mp.p;
                if (pp == null) {
                    mp.oldp = null; // already without a P (sysmon took it): nothing to leave behind
                    break;
                }
                if (pp.status == P._Pretaking) {
                    Thread.onSpinWait(); // sysmon is deciding about this P; with locks set it backs off
                    continue;
                }
                // Unwire before publishing _Psyscall (Go: pp.m = 0 before the status store): once
                // the P is _Psyscall sysmon may retake it and hand it to another M at once.
                mp.syscalltick = pp.syscalltick;
                mp.oldp = pp;
                pp.m = null;
                mp.p = null;
                if (pp.casStatus(P._Prunning, P._Psyscall)) break;
                // sysmon had it in _Pretaking for an instant: rewire and try again
                pp.m = mp;
                mp.p = pp;
                mp.oldp = null;
            }
            Sysmon.wake(sched);
        } finally {
            mp.locks = mp.locks - 1;
        }
        return gp;
    }

    /** Go: exitsyscall. token is what entersyscall returned. */
    public static void exitsyscall(Object token) {
        if (token == null) return;
        G gp = (G) token;
        M mp = gp.m;
        Sched sched = gp.sched;
        mp.locks = mp.locks + 1;
        boolean yield = false;
        try {
            P oldp = mp.oldp;
            mp.oldp = null;
            if (mp.p == null) {
                if (oldp != null && oldp.casStatus(P._Psyscall, P._Pidle)) {
                    // fast path: the same P
                    Proc.acquirep(mp, oldp);
                    oldp.syscalltick = oldp.syscalltick + 1;
                } else {
                    P pp = null;
                    if (sched.npidle.get() > 0) {
                        sched.lockSched();
                        try {
                            pp = sched.pidleget();
                        } finally {
                            sched.lock.unlock();
                        }
                    }
                    if (pp != null) {
                        Proc.acquirep(mp, pp);
                        pp.syscalltick = pp.syscalltick + 1;
                    } else {
                        yield = true; // exitsyscall0: to the global queue; the M stops
                    }
                }
            }
            long w = gp.statusWord();
            gp.setStatusWord(G.word(G.seqOf(w), G._Grunning));
        } finally {
            mp.locks = mp.locks - 1;
        }
        if (yield) {
            sched.nexitsyscallslow.incrementAndGet();
            gp.yieldKind = G.YIELD_EXITSYSCALL;
            Thread.yield(); // ready, on this M without a P: the global queue
        }
    }
}
