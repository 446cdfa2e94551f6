package dev.gort.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The monitor thread. Go: proc.go sysmon, retake, preemptone.
 *
 * <p>Started by the runtime as {@code newm(sysmon, null, -1)} on its own platform thread,
 * {@code gort-sysmon}, never bound to a P. Each round it sleeps (20 us while it keeps finding
 * work, doubling after 50 idle rounds up to 10 ms, or a deep sleep once every P has stayed idle
 * for a millisecond), then
 * runs {@link #retake}: it preempts goroutines that have run for more than forcePreemptNS,
 * takes Ps back from syscalls under Go's exact condition and hands them off, and, on the JVM,
 * takes Ps from carriers that block without saying so and from goroutines that ignore a
 * preemption request. It also prints schedtrace.
 *
 * <p>Runs without a P; takes the sched lock only briefly.
 */
final class Sysmon {
    private final Sched sched;
    private final Tunables t;
    private final ThreadMXBean threads;
    private final boolean cpuTimeSupported;
    /** Go ≤1.12: lastscavenge. */
    private long lastscavenge;
    /** Go: lasttrace. */
    private long lasttrace;
    /** The earliest time at which retake will next have something to do (a slice ends). */
    private long nextDeadline = Long.MAX_VALUE;
    /** When a round first saw every P idle (0: the last round did not), and the Ps' schedticks then. */
    private long idleSince, idleTicks;

    /** Where retaken Ps go: handoffp (a recorder in deterministic tests). */
    private final java.util.function.Consumer<P> handoff;

    Sysmon(Sched sched) {
        this(sched, pp -> Proc.handoffp(sched, pp));
    }

    Sysmon(Sched sched, java.util.function.Consumer<P> handoff) {
        this.handoff = handoff;
        this.sched = sched;
        this.t = sched.tunables;
        ThreadMXBean mx = null;
        boolean cpu = false;
        try {
            mx = ManagementFactory.getThreadMXBean();
            cpu = mx.isThreadCpuTimeSupported();
            if (cpu && !mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
        } catch (Throwable e) {
            cpu = false; // no java.management: undeclared blocking is then not detected
        }
        this.threads = mx;
        this.cpuTimeSupported = cpu;
    }

    /** Starts sysmon on its own M. Go: runtime.main → newm(sysmon, nil, -1). */
    static void start(Sched sched) {
        Sysmon s = new Sysmon(sched);
        sched.sysmon = s;
        Mstart.newm(sched, s::sysmon, null, -1, "gort-sysmon");
    }

    /** The loop. Go: sysmon. */
    void sysmon() {
        boolean dead;
        sched.lockSched();
        try {
            sched.nmsys++;
            dead = Checkdead.check(sched);
        } finally {
            sched.lock.unlock();
        }
        if (dead) Checkdead.report(sched);
        lastscavenge = sched.clock.nanotime();
        int idle = 0;  // how many cycles in succession we had not woken somebody
        long delay = 0; // ns
        while (sched.state != Sched.TERMINATED) {
            if (idle == 0) { // start with 20us sleep...
                delay = t.sysmonMinDelayNs();
            } else if (idle > t.sysmonIdleRounds()) { // start doubling the sleep after 1ms...
                delay *= 2;
            }
            if (delay > t.sysmonMaxDelayNs()) { // up to 10ms
                delay = t.sysmonMaxDelayNs();
            }
            // gort: never sleep past the next time slice that ends, so that a goroutine is
            // preempted at forcePreemptNS and not up to one backed-off sleep later (Go's sysmon
            // can be 10 ms late here), without polling every 20 us.
            long sleep = delay;
            if (nextDeadline != Long.MAX_VALUE) {
                long untilDeadline = nextDeadline - sched.clock.nanotime();
                if (untilDeadline < sleep) sleep = Math.max(untilDeadline, t.sysmonMinDelayNs());
            }
            long before = sched.clock.nanotime();
            usleep(sleep);
            sched.sysmonRounds++;
            long now = sched.clock.nanotime();
            sched.coarseNow = now;
            // gort: a sleep that lasted far longer than asked means no Java code ran (a GC
            // safepoint pause, the VM descheduled): do not count that time against goroutines,
            // which could not reach a checkpoint either.
            long stall = now - before - sleep - STALL_ALLOWANCE_NS;
            if (stall > 0) forgiveStall(stall);
            if (t.schedtraceMs() <= 0 && (sched.gcwaiting || settledIdle(now))) {
                if (deepSleep(now)) {
                    idle = 0;
                    delay = t.sysmonMinDelayNs();
                }
                now = sched.clock.nanotime();
            }
            if (sched.state == Sched.TERMINATED) break;
            sched.sysmonlock.lock();
            try {
                now = sched.clock.nanotime();
                // Go 1.14-1.15: if timers are overdue and no M runs them (every M busy with a
                // goroutine that will not yield, or asleep), start an M for an idle P. On the JVM
                // a P held by a goroutine that ignores preemption would otherwise sit on them.
                long next = Timers.timeSleepUntil(sched);
                if (next != 0 && next < now - t.sysmonMinDelayNs() && sched.npidle.get() > 0
                        && sched.timerSleeper == null && sched.nmspinning.get() == 0) {
                    sched.nsysmontimerstart++;
                    Proc.startm(sched, null, false);
                }
                // gort: timers overdue on a P whose M is busy with one goroutine (a CPU-bound
                // one, preemptible only every 10 ms) are fired here; their goroutines go to the
                // global queue, as wake-ups from outside do, and run at the next schedule of any
                // P instead of their own P's next one. Go leaves them to that P (up to a slice).
                if (next != 0 && next <= now - TIMER_STEAL_NS) runOverdueTimers(now);
                // poll network if not polled for more than 10ms
                if (pollNetwork(now)) idle = 0;
                // retake P's blocked in syscalls and preempt long running G's
                if (retake(now) != 0) {
                    idle = 0;
                } else {
                    idle++;
                }
                // check if we need to force a GC (the JVM's: none for forcegcperiod)
                sched.forcegc.check(now);
                // scavenge heap once in a while (Go ≤1.12: every scavengelimit/2)
                BgScavenger.maybeStart(sched); // the option: Go 1.13+'s paced scavenger, once the heap exists
                if (lastscavenge + t.scavengeLimitNs() / 2 < now) {
                    lastscavenge = now;
                    Malloc.scavenge(sched);
                }
                if (t.schedtraceMs() > 0 && lasttrace + t.schedtraceMs() * Tunables.MS <= now) {
                    lasttrace = now;
                    Trace.schedtrace(sched, t.scheddetail(), t.traceOutput());
                }
            } finally {
                sched.sysmonlock.unlock();
            }
        }
        Malloc.dropAll(sched); // Go: freemcache for every P
        sched.lockSched();
        try {
            sched.nmsys--;
        } finally {
            sched.lock.unlock();
        }
    }

    /** How long every P must have stayed idle, no goroutine started, before sysmon deep-sleeps. */
    static final long IDLE_SETTLE_NS = Tunables.MS;

    /**
     * Whether every P is idle now and has been since a round at least IDLE_SETTLE_NS ago, with
     * no goroutine executed in between (the sum of the Ps' schedticks unchanged). gort: Go
     * deep-sleeps as soon as one round sees every P idle. A server whose Ps all go idle for a
     * moment between bursts, thousands of times a second, then has sysmon fall asleep and be
     * woken (gort wakes it in acquirep) each time: 7,500 wake-ups a second and 16 % of a core in
     * the 100-connection echo benchmark, a thread competing for the cores with the runtime's Ms.
     */
    private boolean settledIdle(long now) {
        if (sched.npidle.get() != sched.gomaxprocs) {
            idleSince = 0;
            return false;
        }
        long ticks = 0;
        for (P pp : sched.allp) ticks += pp.schedtick;
        if (idleSince == 0 || ticks != idleTicks) {
            idleSince = now;
            idleTicks = ticks;
            return false;
        }
        return now - idleSince >= IDLE_SETTLE_NS;
    }

    /**
     * Every P is idle: sleep until woken (work arrived) or until the deep-sleep limit.
     * Returns true if woken by a notewakeup. Go: the sysmonwait block of sysmon.
     */
    private boolean deepSleep(long now) {
        boolean woken = false;
        sched.lockSched();
        try {
            if (!(sched.gcwaiting || sched.npidle.get() == sched.gomaxprocs) || sched.state == Sched.TERMINATED) {
                return false;
            }
            // gort: network waiters with nobody blocked in the poll (in Go the last M to go idle
            // blocks there; a goroutine that parks on a P-less M after a hand-off skips that):
            // stay awake and poll every 10 ms instead.
            Netpoll np = sched.netpoll;
            if (np != null && np.anyWaiters() && np.lastpoll.get() != 0) return false;
            sched.sysmonwait = true;
        } finally {
            sched.lock.unlock();
        }
        sched.nsysmonsleep++;
        long sleep = t.deepSleepMaxNs();
        if (Malloc.heapInUse()) sleep = Math.min(sleep, Math.max(t.sysmonMinDelayNs(), t.scavengeLimitNs() / 2)); // Go ≤1.12
        if (t.forcegcPeriodNs() > 0) sleep = Math.min(sleep, Math.max(t.sysmonMinDelayNs(), t.forcegcPeriodNs() / 2)); // Go: forcegcperiod/2
        long next = Timers.timeSleepUntil(sched); // wake for the next timer, as Go's sysmon
        if (next != 0) sleep = Math.max(t.sysmonMinDelayNs(), Math.min(sleep, next - now));
        long report = runawayDeadline; // and for a runaway report that falls due
        if (report != Long.MAX_VALUE) sleep = Math.max(t.sysmonMinDelayNs(), Math.min(sleep, report - now));
        woken = sched.sysmonnote.sleep(sleep);
        sched.lockSched();
        try {
            sched.sysmonwait = false;
            sched.sysmonnote.clear();
        } finally {
            sched.lock.unlock();
        }
        return woken;
    }

    /** Oversleep beyond which a sysmon sleep counts as a stall: timer slack is ~0.1 ms (measured). */
    static final long STALL_ALLOWANCE_NS = 2 * Tunables.MS;

    /** Shifts every P's sysmon baselines by a stall in which no goroutine could run. */
    void forgiveStall(long stall) {
        sched.nstalls++;
        for (P pp : sched.allp) {
            P.SysmonTick pd = pp.sysmontick;
            pd.schedwhen += stall;
            if (pd.preemptwhen != 0) pd.preemptwhen += stall;
            pd.syscallwhen += stall;
            pd.cputime = -1; // and take a fresh CPU-time sample
        }
    }

    /** Wakes sysmon from its deep sleep. Any thread. Go: the notewakeup(&sched.sysmonnote) calls. */
    static void wake(Sched sched) {
        if (!sched.sysmonwait) return;
        sched.lockSched();
        try {
            if (sched.sysmonwait) {
                sched.sysmonwait = false;
                sched.sysmonnote.wakeup();
            }
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Sleeps about ns. LockSupport.parkNanos oversleeps by the kernel's timer slack (about
     * 50 us on Linux), so a 20 us request takes about 70 us; docs/DESIGN.md has the measured
     * period. Go: usleep.
     */
    private void usleep(long ns) {
        LockSupport.parkNanos(ns);
    }

    /**
     * One pass over every P. Returns the number of Ps taken back (from syscalls, blocked
     * carriers and runaway goroutines), which keeps sysmon awake. Go: retake.
     */
    int retake(long now) {
        int n = 0;
        long deadline = Long.MAX_VALUE;
        P[] allp = sched.allp;
        for (P pp : allp) {
            P.SysmonTick pd = pp.sysmontick;
            int s = pp.status;
            boolean sysretake = false;
            if (s == P._Prunning || s == P._Psyscall) {
                // Preempt G if it's running for too long.
                long tick = pp.schedtick;
                if (pd.schedtick != tick) {
                    pd.schedtick = tick;
                    // gort: the slice's real start, recorded by execute (Go uses now, so a G can
                    // run up to one sysmon delay longer than forcePreemptNS).
                    long began = pp.schedwhen;
                    pd.schedwhen = began > 0 && began <= now ? began : now;
                    pd.preemptwhen = 0;
                    pd.preemptG = null;
                    pd.cputime = -1;
                    if (pd.schedwhen + t.forcePreemptNs() <= now && s == P._Prunning) {
                        preempt(pp, pd, now);
                    } else {
                        deadline = Math.min(deadline, pd.schedwhen + t.forcePreemptNs());
                    }
                } else if (pd.schedwhen + t.forcePreemptNs() > now) {
                    deadline = Math.min(deadline, pd.schedwhen + t.forcePreemptNs());
                } else {
                    preempt(pp, pd, now);
                    // In case of syscall, preemptone() doesn't work, because there is no M
                    // wired to P.
                    sysretake = true;
                }
            }
            if (s == P._Psyscall) {
                // Retake P from syscall if it's there for more than 1 sysmon tick (at least 20us).
                long tick = pp.syscalltick;
                if (!sysretake && pd.syscalltick != tick) {
                    pd.syscalltick = tick;
                    pd.syscallwhen = now;
                    continue;
                }
                // On the one hand we don't want to retake Ps if there is no other work to do,
                // but on the other hand we want to retake them eventually because they can
                // prevent the sysmon thread from deep sleep.
                if (pp.runq.isEmpty() && sched.nmspinning.get() + sched.npidle.get() > 0
                        && pd.syscallwhen + t.syscallRetakeNs() > now) {
                    continue;
                }
                // Need to decrement number of idle locked M's (pretending that one more is
                // running) before the CAS. Otherwise the M from which we retake can exit the
                // syscall, increment nmidle and report deadlock.
                sched.incidlelocked(-1);
                if (pp.casStatus(P._Psyscall, P._Pidle)) {
                    n++;
                    sched.nsyscallretake.incrementAndGet();
                    pp.syscalltick = pp.syscalltick + 1;
                    handoff.accept(pp);
                }
                sched.incidlelocked(1);
                continue;
            }
            if (s == P._Prunning) {
                M mp = pp.m;
                if (mp == null || mp.curg == null) continue;
                // gort: a goroutine that ignored the preemption request for another slice (a
                // loop with no checkpoint, a pinned frame) loses its P; it gets one back at its
                // next checkpoint or unmount.
                if (pd.preemptwhen != 0 && pd.preemptG == mp.curg) {
                    if (now - pd.preemptwhen >= t.ignoredPreemptNs()) {
                        if (retakeRunning(pp, mp, false)) n++;
                        continue;
                    }
                    deadline = Math.min(deadline, pd.preemptwhen + t.ignoredPreemptNs());
                }
                // gort: a carrier that blocks without saying so (file I/O, native code, a pinned
                // wait) holds its P like a syscall; its thread's CPU time stops advancing.
                if (cpuTimeSupported && now - pd.schedwhen >= t.blockedCarrierNs() && carrierBlocked(pd, mp, now)) {
                    if (retakeRunning(pp, mp, true)) n++;
                }
            }
        }
        nextDeadline = Math.min(Math.min(deadline, reportRunaways(now)), overdueTimerDeadline());
        return n;
    }

    /**
     * Reports, once per goroutine, every goroutine that has ignored a preemption request for
     * gort.runawayreport (100 ms): on a P, or running on without one after a runaway hand-off.
     * Returns when the next report may be due (Long.MAX_VALUE: none pending). gort only: Go's
     * asynchronous preemption leaves nothing to report; on the JVM it names the loop that no
     * checkpoint reaches (one the gort agent did not cover, or pinned code).
     */
    long reportRunaways(long now) {
        long limit = t.runawayReportNs();
        if (limit == 0) return Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        for (P pp : sched.allp) {
            M mp = pp.m;
            if (pp.status == P._Prunning && mp != null) next = Math.min(next, checkRunaway(mp.curg, now, limit));
        }
        if (sched.nmlost.get() > 0) {
            for (Thread t : sched.threads()) {
                if (t instanceof M mp && mp.lostP) next = Math.min(next, checkRunaway(mp.curg, now, limit));
            }
        }
        runawayDeadline = next;
        return next;
    }

    /** How stale the last poll may be before sysmon polls. Go: sysmon's 10*1000*1000. */
    static final long NETPOLL_STALE_NS = 10 * Tunables.MS;

    /**
     * If the network has not been polled for NETPOLL_STALE_NS (and no M blocks in the poll),
     * polls without blocking and injects what it finds: the goroutines woken reach a P even
     * when every M is busy with goroutines that never go back to findrunnable. Returns whether
     * any were found. Go: sysmon's netpoll(0) → injectglist.
     */
    private boolean pollNetwork(long now) {
        Netpoll np = sched.netpoll;
        if (np == null) return false;
        long lastpoll = np.lastpoll.get();
        if (lastpoll == 0 || lastpoll + NETPOLL_STALE_NS >= now) return false;
        np.lastpoll.compareAndSet(lastpoll, now);
        java.util.ArrayList<Thread> list = np.netpoll(0); // non-blocking
        np.nsysmonpoll++;
        if (list == null) return false;
        np.nsysmonready += list.size();
        // The goroutines are about to become runnable: checkdead must not see them as dead.
        sched.incidlelocked(-1);
        Netpoll.injectglist(list);
        sched.incidlelocked(1);
        return true;
    }

    /** How late a running P's timer may be before sysmon fires it. */
    static final long TIMER_STEAL_NS = Tunables.MS;

    /** Fires the timers of running Ps that are TIMER_STEAL_NS overdue. Sysmon only. */
    private void runOverdueTimers(long now) {
        for (P pp : sched.allp) {
            long w = pp.timers.timer0When;
            if (w != 0 && w <= now - TIMER_STEAL_NS && pp.status == P._Prunning) {
                sched.nsysmontimerrun++;
                Timers.checkTimers(sched, pp);
            }
        }
    }

    /** When the earliest timer of a running P would be overdue enough for sysmon to fire it. */
    private long overdueTimerDeadline() {
        long d = Long.MAX_VALUE;
        for (P pp : sched.allp) {
            long w = pp.timers.timer0When;
            if (w != 0 && pp.status == P._Prunning) d = Math.min(d, w + TIMER_STEAL_NS);
        }
        return d;
    }

    /** When sysmon should look again at the pending runaway report, if any. */
    private volatile long runawayDeadline = Long.MAX_VALUE;

    /** Whether the stack is inside class loading or a class-file transformer (the gort agent's). */
    private static boolean loadingClass(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (c.startsWith("sun.instrument.") || (c.equals("java.lang.ClassLoader") && e.getMethodName().startsWith("defineClass"))) {
                return true;
            }
        }
        return false;
    }

    private long checkRunaway(G gp, long now, long limit) {
        if (gp == null || gp.runawayReported) return Long.MAX_VALUE;
        long since = gp.preemptsince;
        if (since == 0 || gp.status() != G._Grunning) return Long.MAX_VALUE;
        if (now - since < limit) return since + limit;
        Thread th = gp.thread;
        StackTraceElement[] stack = th == null ? new StackTraceElement[0] : th.getStackTrace();
        if (loadingClass(stack)) {
            // The JVM is loading (maybe transforming) a class for it: pinned, no loop to name.
            // Not a runaway; look again a threshold later.
            gp.preemptsince = now;
            return now + limit;
        }
        gp.runawayReported = true;
        sched.nrunaways++;
        StringBuilder sb = new StringBuilder();
        sb.append("gort: goroutine ").append(gp.goid).append(" has ignored preemption for ")
                .append((now - since) / Tunables.MS).append(" ms (running ")
                .append(Math.max(0, now - gp.slicewhen) / Tunables.MS)
                .append(" ms without yielding): a loop with no checkpoint? (the gort agent puts them in;"
                        + " Gort.checkpoint() by hand)\n");
        sb.append("goroutine ").append(gp.goid).append(" [running]:\n");
        for (StackTraceElement e : stack) sb.append("\tat ").append(e).append('\n');
        t.traceOutput().print(sb);
        t.traceOutput().flush();
        return Long.MAX_VALUE;
    }

    /**
     * preemptone, remembering which G was asked and when: the request's clock restarts when a
     * different G (a runnext successor inheriting the slice) is running.
     */
    private void preempt(P pp, P.SysmonTick pd, long now) {
        M mp = pp.m;
        G cur = mp == null ? null : mp.curg;
        if (Proc.preemptone(pp) && (pd.preemptwhen == 0 || pd.preemptG != cur)) {
            pd.preemptwhen = now;
            pd.preemptG = cur;
            // cur is what we read before preemptone; preemptone may have found a G just
            // started on the M (cur null or stale): then the report clock starts next round.
            if (cur != null && cur.preemptsince == 0) cur.preemptsince = now;
            sched.npreemptreq.incrementAndGet();
        }
    }

    /**
     * Whether mp's thread has used no CPU since the last sample and the kernel says it is
     * sleeping (S) or in uninterruptible wait (D), not runnable waiting for a core (R).
     */
    private boolean carrierBlocked(P.SysmonTick pd, M mp, long now) {
        long cpu;
        try {
            cpu = threads.getThreadCpuTime(mp.threadId());
        } catch (Throwable e) {
            return false;
        }
        if (cpu < 0) return false;
        long prev = pd.cputime;
        pd.cputime = cpu;
        pd.cputimeWhen = now;
        if (prev < 0 || cpu != prev) return false;
        char st = kernelState(mp.procid);
        return st == 'S' || st == 'D';
    }

    /** The state letter of a kernel thread (/proc/self/task/TID/stat), or '?' if unknown. */
    static char kernelState(long tid) {
        if (tid <= 0) return '?';
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /**
     * Takes pp from an M whose goroutine is running (blocked, or ignoring preemption) and hands
     * it off, if the M is not inside runtime code. The goroutine runs on without a P and needs
     * one again at its next checkpoint or unmount. gort only; Go's tip does the same for
     * syscalls (the P stays wired to the M and retake takes it).
     *
     * <p>Protocol with the M's side (a Dekker handshake): sysmon CASes the P to _Pretaking,
     * then reads m.locks; runtime code on the M writes m.locks, then reads the P's status. So
     * either sysmon sees the M in runtime code and backs off, or the M sees _Pretaking (or that
     * the P is gone) and does not touch the P.
     */
    boolean retakeRunning(P pp, M mp, boolean blocked) {
        if (sched.nmlost.get() >= t.maxHandoffThreads()) {
            sched.nhandofflimited.incrementAndGet();
            return false;
        }
        // Cheap pre-check: an M in scheduler code (locks set) or between goroutines cannot
        // lose its P; avoid even flipping the status then.
        if (mp.locks != 0 || mp.curg == null) return false;
        if (!pp.casStatus(P._Prunning, P._Pretaking)) return false;
        if (mp.locks != 0 || pp.m != mp || mp.p != pp || mp.curg == null) {
            pp.status = P._Prunning;
            return false;
        }
        // Committed: the M's goroutine runs on without a P.
        mp.p = null;
        mp.lostP = true;
        mp.setPreempt(); // its next checkpoint comes back for a P
        pp.m = null;
        pp.sysmontick.preemptwhen = 0;
        pp.sysmontick.preemptG = null;
        pp.sysmontick.cputime = -1;
        pp.syscalltick = pp.syscalltick + 1;
        sched.nmlost.incrementAndGet();
        if (blocked) sched.nblockedhandoff.incrementAndGet(); else sched.nrunawayhandoff.incrementAndGet();
        pp.status = P._Pidle;
        handoff.accept(pp);
        return true;
    }
}
