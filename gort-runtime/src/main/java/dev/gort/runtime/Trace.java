package dev.gort.runtime;

import java.io.PrintStream;
import java.util.List;

/**
 * schedtrace: Go's SCHED line, and with scheddetail the per-P, per-M and per-G lines, with
 * Go's field names (1.16/1.19 format). gort's own counters follow on the same line after
 * {@code gort:}. Go: proc.go schedtrace.
 */
final class Trace {
    private Trace() {}

    static void schedtrace(Sched sched, boolean detail, PrintStream out) {
        out.print(format(sched, detail));
        out.flush();
    }

    static String format(Sched sched, boolean detail) {
        long now = sched.clock.nanotime();
        if (sched.traceStart == 0) sched.traceStart = now;
        StringBuilder sb = new StringBuilder();
        P[] allp = sched.allp;
        sched.lockSched();
        try {
            sb.append("SCHED ").append((now - sched.traceStart) / 1_000_000).append("ms:")
                    .append(" gomaxprocs=").append(sched.gomaxprocs)
                    .append(" idleprocs=").append(sched.npidle.get())
                    .append(" threads=").append(sched.mcount())
                    .append(" spinningthreads=").append(sched.nmspinning.get())
                    .append(" idlethreads=").append(sched.nmidle)
                    .append(" runqueue=").append(sched.runqsize);
            if (detail) {
                sb.append(" gcwaiting=").append(sched.gcwaiting ? 1 : 0)
                        .append(" nmidlelocked=").append(sched.nmidlelocked)
                        .append(" stopwait=").append(sched.stopwait)
                        .append(" sysmonwait=").append(sched.sysmonwait ? 1 : 0);
                // gort's own counters, detail only
                sb.append(" gortdetail: timersfired=").append(sched.ntimerfired.get())
                        .append(" sysmontimerstarts=").append(sched.nsysmontimerstart)
                        .append(" sysmontimerruns=").append(sched.nsysmontimerrun)
                        .append(" exitsyscallslow=").append(sched.nexitsyscallslow.get())
                        .append(" handofflimited=").append(sched.nhandofflimited.get())
                        .append(" staleentries=").append(sched.nstaleentries.get())
                        .append(" stalls=").append(sched.nstalls)
                        .append(" sysmonrounds=").append(sched.sysmonRounds);
            } else {
                sb.append(" [");
                for (int i = 0; i < allp.length; i++) {
                    if (i > 0) sb.append(' ');
                    sb.append(allp[i].runq.size());
                }
                sb.append(']');
            }
            sb.append(" gort: preemptions=").append(sched.npreemptreq.get())
                    .append(" preempted=").append(sched.npreempt.get())
                    .append(" syscallretakes=").append(sched.nsyscallretake.get())
                    .append(" blockedhandoffs=").append(sched.nblockedhandoff.get())
                    .append(" runawayhandoffs=").append(sched.nrunawayhandoff.get())
                    .append(" plessthreads=").append(sched.nmlost.get())
                    .append(" runaways=").append(sched.nrunaways)
                    .append(" forcegc=").append(sched.forcegc.nforced)
                    .append(" scvg=").append(sched.nscavenge)
                    .append(" scvgreleasedMB=").append(sched.scavengedBytes >> 20);
            long stallsteals = 0;
            for (P pp : allp) stallsteals += pp.nstallsteal;
            long dryyields = 0;
            for (P pp : allp) dryyields += pp.ndryyield;
            sb.append(" stallsteals=").append(stallsteals).append(" dryyields=").append(dryyields);
            BgScavenger bg = sched.bgscavenger;
            if (bg != null) sb.append(" bgscvg=").append(bg.nreleases).append(" bgscvgreleasedMB=").append(bg.released >> 20);
            Netpoll np = sched.netpoll;
            if (np != null) {
                // netpoll: every poll, the blocking ones, goroutines readied; sysmon's polls and
                // what they readied; goroutines and threads waiting now
                sb.append(" netpoller=").append(np.kind())
                        .append(" netpolls=").append(np.npoll.get())
                        .append(" netpollblocks=").append(np.nblockpoll.get())
                        .append(" netpollbusy=").append(np.npollbusy.get())
                        .append(" netpollready=").append(np.nready.get())
                        .append(" sysmonpolls=").append(np.nsysmonpoll)
                        .append(" sysmonpollready=").append(np.nsysmonready)
                        .append(" netwaiters=").append(np.waiters.get());
            }
            sb.append('\n');
            if (!detail) return sb.toString();
            for (P pp : allp) {
                M mp = pp.m;
                sb.append("  P").append(pp.id).append(": status=").append(pp.status)
                        .append(" schedtick=").append(pp.schedtick)
                        .append(" syscalltick=").append(pp.syscalltick)
                        .append(" m=").append(mp == null ? -1 : mp.id)
                        .append(" runqsize=").append(pp.runq.size())
                        .append(" gfreecnt=0 timerslen=0\n");
            }
            for (M mp : sched.allm) {
                P pp = mp.p;
                G gp = mp.curg;
                sb.append("  M").append(mp.id).append(": p=").append(pp == null ? -1 : pp.id)
                        .append(" curg=").append(gp == null ? -1 : gp.goid)
                        .append(" mallocing=0 throwing=0 preemptoff= locks=").append(mp.locks)
                        .append(" dying=0 spinning=").append(mp.spinning)
                        .append(" blocked=").append(mp.blocked)
                        .append(" lockedg=-1\n");
            }
        } finally {
            sched.lock.unlock();
        }
        List<G> gs = sched.allgs.snapshot();
        gs.sort(java.util.Comparator.comparingLong(g -> g.goid));
        for (G gp : gs) {
            int st = gp.status();
            M mp = gp.m;
            sb.append("  G").append(gp.goid).append(": status=").append(st)
                    .append('(').append(st == G._Gwaiting ? gp.waitreason.toString() : "").append(')')
                    .append(" m=").append(mp != null && mp.curg == gp ? mp.id : -1)
                    .append(" lockedm=-1\n");
        }
        return sb.toString();
    }
}
