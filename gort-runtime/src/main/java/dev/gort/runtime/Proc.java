package dev.gort.runtime;

import dev.gort.Checkpoint;

import java.util.Objects;

/**
 * The goroutine scheduler. Go: runtime/proc.go.
 *
 * <h2>Implementation overview</h2>
 * Three kinds of object, as in Go:
 * <ul>
 *   <li>G, a goroutine: a JDK virtual thread built with gort's executor (the G itself), plus
 *       gort's record of it (id, status, preempt flag, wait reason).</li>
 *   <li>M, a machine: a platform thread that mounts goroutines' virtual threads and runs them
 *       until they unmount (park, yield, block on a monitor, end).</li>
 *   <li>P, a processor: the right to run goroutines. An M must hold a P to run Gs; there are
 *       GOMAXPROCS Ps, each with a local run queue and a runnext slot.</li>
 * </ul>
 * An M loops in {@link #schedule}: take a G (runnext, local queue, every 61st tick the global
 * queue first, else {@link #findrunnable}: global queue, stealing half of a random victim's
 * queue; beyond Go, a busy M also takes half the queue of a P that has stalled for 100 µs,
 * {@link #stealFromStalled}; and an M that runs dry after 100 µs without sleeping first yields
 * its core to the OS, {@link #osyieldIfBusy}), then {@link #execute} it: mount its virtual
 * thread by running the JDK's {@code runContinuation}, which returns when the G unmounts. The
 * JDK calls the G's executor whenever the thread must run again; that call is {@link #ready},
 * which puts the G on the caller's P (runnext, inheriting the time slice) when the caller is a
 * goroutine or an M of this runtime, and on the global queue otherwise (the JDK's timer and
 * unblocker threads, user platform threads), waking an idle P either way ({@link #wakep}).
 *
 * <h2>The hard problem: parking and waking Ms without losing work</h2>
 * As in Go (see the long comment "Worker thread parking/unparking" in proc.go): an M that
 * finds nothing must sleep, but work may be submitted at any moment, and waking an M for every
 * submission costs a futex call each time. Go's protocol, which gort keeps exactly:
 * <ul>
 *   <li>A submitter that puts work on a P's queue calls wakep: if there is an idle P and no
 *       spinning M, it starts (or wakes) one M in spinning state. At most one extra spinner at a
 *       time; a spinner that finds work calls {@link #resetspinning}, which wakes the next.</li>
 *   <li>A spinning M that finds nothing releases its P, then decrements nmspinning, then
 *       re-checks every P's queue and the global queue. nmspinning's decrement is a full fence
 *       (an atomic read-modify-write), so either the submitter sees the spinner (and does not
 *       wake another) or the spinner sees the work (and takes a P back).</li>
 *   <li>A non-spinning M checks the global queue under the sched lock before releasing its
 *       P, the same lock a foreign submitter holds to push there.</li>
 * </ul>
 *
 * <h2>Where Go's design does not carry over, and what gort does instead</h2>
 * <ul>
 *   <li><b>Status races with the JDK.</b> The JDK sets a virtual thread PARKED before its
 *       carrier returns from {@code runContinuation}; an unpark can hand the G to another M
 *       while the first M is still coming back. Go has no such window (a G is parked by its own
 *       M on g0). gort packs a run sequence number into the status word and every transition
 *       the M makes after the run is a CAS on (sequence, _Grunning); see {@link G}.</li>
 *   <li><b>gosched.</b> Go switches to g0 and calls goschedImpl. gort yields the virtual
 *       thread ({@code Thread.yield}); the JDK calls the executor back on the same M during the
 *       unmount, and {@link #ready} recognises the M's own current G and puts it on the global
 *       queue, which is goschedImpl's effect. A preempted G goes the same way.</li>
 *   <li><b>Runtime code inside goroutines.</b> Code that touches the carrier's P runs only in
 *       the executor callback, where the JDK pins the virtual thread (so it cannot unmount and
 *       resume on another carrier midway), or is lock-free and park-free. See docs/DESIGN.md,
 *       "Runtime code inside goroutines".</li>
 *   <li><b>Rejected: one shared executor.</b> The JDK's task object does not say which
 *       thread it runs; a lookup table would cost a hash per wake-up. One executor per G
 *       costs one small builder per goroutine and makes ready a field read.</li>
 *   <li><b>Rejected: a ForkJoinPool or a lock-based queue.</b> Go's lock-free per-P rings
 *       with runnext keep a wake-up between two goroutines local and lock-free, which is where
 *       the JDK's default scheduler loses time (it signals another worker on every push).</li>
 * </ul>
 */
public final class Proc {
    private Proc() {}

    // ------------------------------------------------------------------------------------
    // Goroutine creation and readiness.

    /**
     * Creates a goroutine running fn and makes it runnable. Any thread.
     * Go: newproc / newproc1 (runqput(pp, newg, true) happens in {@link #ready} when the JDK
     * submits the new thread).
     */
    static G newproc(Sched sched, Runnable fn, boolean isMain) {
        return newproc(sched, fn, isMain, false);
    }

    /** newproc; a system goroutine (the runtime's own) is not counted in ngoroutines. */
    static G newproc(Sched sched, Runnable fn, boolean isMain, boolean system) {
        Objects.requireNonNull(fn, "gort: go(null): the goroutine function must not be null");
        // Count first, then check the state: shutdown sets the state, then reads the count.
        if (!system) sched.ngoroutines.incrementAndGet(); else sched.nsystem.incrementAndGet();
        // A system goroutine may start while the runtime drains (CLOSING): sysmon still runs;
        // not once the last user goroutine has ended (stopSystem).
        if (sched.state != Sched.RUNNING && !(system && sched.state == Sched.CLOSING && !sched.stopSystem)) {
            if (!system) sched.goroutineEnded(); else sched.systemEnded();
            throw new IllegalStateException("gort: go on runtime \"" + sched.name()
                    + "\" after it was shut down" + (sched.failure != null ? " (it failed: " + sched.failure.getMessage() + ")" : ""));
        }
        G parent = getg();
        G gp = new G(sched, sched.newGoid(), parent == null ? 0 : parent.goid, fn, isMain);
        gp.system = system;
        try {
            gp.thread = JdkHooks.newVirtualThread(gp, gp);
            sched.allgs.add(gp);
            gp.thread.start();
        } catch (RuntimeException | Error e) {
            sched.allgs.remove(gp);
            if (!system) sched.goroutineEnded(); else sched.systemEnded();
            throw e;
        }
        return gp;
    }

    /**
     * Makes gp runnable. Called through the JDK's executor call, on any thread. Go: ready.
     */
    static void ready(G gp) {
        readyImpl(gp, false);
    }

    /** The first submission of a new goroutine: it is _Grunnable already and must be queued. */
    static void readyNew(G gp) {
        readyImpl(gp, true);
    }

    private static void readyImpl(G gp, boolean isNew) {
        Sched sched = gp.sched;
        for (;;) {
            if (isNew) break;
            long w = gp.statusWord();
            int s = G.statusOf(w);
            if (s == G._Gwaiting || s == G._Grunning || s == G._Gsyscall) {
                // _Gsyscall: the goroutine parked or yielded inside a declared syscall.
                // _Grunning: the wake-up raced with the unmount, or the G yielded on its M.
                if (gp.casStatusWord(w, G.word(G.seqOf(w), G._Grunnable))) break;
            } else if (s == G._Grunnable) {
                // Already queued: the JDK resubmits a runnable thread it suspended to take a
                // stack trace. Its queue entry will run it (and if an M consumed that entry
                // while the thread was suspended, the M marked it _Gwaiting, so a resubmission
                // then is accepted above). A second entry must not be made: Gs are linked
                // through schedlink, and a G in a list twice would cut the list.
                return;
            } else {
                throw new IllegalStateException("gort: ready of goroutine " + gp.goid + " in status " + G.statusName(s));
            }
        }
        Thread ct = Thread.currentThread();
        M mp = M.current();
        if (mp != null && mp.sched == sched) {
            // acquirem: while locks != 0 sysmon will not take our P (see Sysmon.retakeRunning).
            mp.locks = mp.locks + 1;
            try {
                P pp = mp.p;
                if (pp != null && pp.status == P._Prunning && pp.m == mp) {
                    if (ct == mp && gp == mp.curg) {
                        // The M's own G yielded (gosched, preemption): goschedImpl puts it on the
                        // global queue's tail. The M schedules right after, so no wakep.
                        goschedImpl(sched, gp);
                        return;
                    }
                    // A goroutine of ours (or our scheduler) readied gp: runnext of our P. Safe
                    // because the JDK pins a virtual thread inside the executor call (the carrier,
                    // and so the P, cannot change under us) and locks keeps sysmon off the P.
                    // A batch from the poller goes in order to the queue's tail (Go: injectglist's
                    // runqputbatch): through runnext the last one readied would run first.
                    G overflow = pp.runq.put(gp, !mp.injecting);
                    if (Sched.DEBUG_CHECKS && (M.current() != mp || mp.p != pp)) {
                        throw new IllegalStateException("gort: runqput moved carriers midway (" + mp.getName()
                                + " -> " + M.current() + ")");
                    }
                    if (overflow != null) {
                        sched.lockSched();
                        try {
                            sched.globrunqputbatch(overflow);
                        } finally {
                            sched.lock.unlock();
                        }
                    }
                    if (!mp.injecting) wakep(sched); // a batch from the poller wakes once, at its end
                    return;
                }
            } finally {
                mp.releaseLocks(mp.locks - 1);
            }
        }
        // Outside this runtime's Ps (or on an M without one): global queue, and start an idle P
        // for it. Go: injectglist without a P.
        int yielded = gp.yieldKind;
        if (yielded != 0) {
            if (yielded == G.YIELD_PREEMPT) sched.npreempt.incrementAndGet();
            gp.yieldKind = 0;
        }
        sched.lockSched();
        try {
            if (yielded != 0) sched.globrunqputyield(gp); else sched.globrunqput(gp);
        } finally {
            sched.lock.unlock();
        }
        if (mp == null || !mp.injecting || mp.sched != sched) wakep(sched);
    }

    /** Puts the M's own, just-yielded G on the global queue. Go: goschedImpl. */
    private static void goschedImpl(Sched sched, G gp) {
        if (gp.yieldKind == G.YIELD_PREEMPT) {
            sched.npreempt.incrementAndGet();
            gp.m.preempted = true;
        } else {
            sched.ngosched.incrementAndGet();
        }
        gp.yieldKind = 0;
        sched.lockSched();
        try {
            sched.globrunqputyield(gp);
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Runs main as a new goroutine and waits for it: returns its result or throws what it
     * threw; throws the runtime's failure (a panic under PanicPolicy.CRASH, a fatal error) if
     * the runtime fails first. Any thread: a platform thread blocks, a goroutine parks.
     */
    public static <T> T runMain(Sched sched, java.util.concurrent.Callable<T> main) throws Exception {
        Objects.requireNonNull(main, "gort: run(null): the main function must not be null");
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        sched.runs.add(result); // before main exists: a failure from now on fails this run
        try {
            RuntimeException failed = sched.failure;
            if (failed != null) throw failed;
            newproc(sched, () -> {
                try {
                    result.complete(main.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }, true);
            G me = getg();
            if (me != null) me.parkingReason = WaitReason.RUN_MAIN;
            try {
                return result.get();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) throw ex;
                throw Panic.sneaky(cause);
            } finally {
                if (me != null) me.parkingReason = null;
            }
        } finally {
            sched.runs.remove(result);
        }
    }

    /** Records why the current goroutine is about to park (for dumps); null clears it. */
    public static void setParkingReason(WaitReason why) {
        setParkingReason(why, false);
    }

    /**
     * Records why the current goroutine is about to park, and whether a thread outside gort
     * may also wake it (then checkdead never counts the wait as dead). null clears it.
     */
    public static void setParkingReason(WaitReason why, boolean external) {
        G gp = getg();
        if (gp != null) {
            gp.parkingReason = why;
            gp.parkingExternal = external;
        }
    }

    /** Whether the calling code runs in a goroutine of some gort runtime. */
    public static boolean inGoroutine() {
        return getg() != null;
    }

    /**
     * Sleeps ns on a runtime timer: the goroutine parks and a timer on its P readies it.
     * Outside goroutines, Thread.sleep. Go: time.Sleep → timeSleep. An interrupt throws
     * GoroutineInterruptedException (the sleep is cut short).
     */
    public static void sleep(Sched sched, long ns) {
        checkpoint();
        if (ns <= 0) return;
        G gp = getg();
        if (gp == null || gp.sched != sched) {
            try {
                Thread.sleep(ns / 1_000_000, (int) (ns % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.gort.GoroutineInterruptedException("sleep");
            }
            return;
        }
        Thread me = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
        Timers.Timer t = new Timers.Timer(() -> {
            fired.set(true);
            java.util.concurrent.locks.LockSupport.unpark(me);
        });
        Timers.start(sched, t, sched.clock.nanotime() + ns, 0);
        setParkingReason(WaitReason.SLEEP, false);
        try {
            while (!fired.get()) {
                java.util.concurrent.locks.LockSupport.park(t);
                if (Thread.interrupted()) {
                    Timers.stop(t);
                    Thread.currentThread().interrupt();
                    throw new dev.gort.GoroutineInterruptedException("sleep");
                }
            }
        } finally {
            setParkingReason(null);
        }
    }

    /** Creates a goroutine. Any thread. */
    public static long go(Sched sched, Runnable fn) {
        checkpoint();
        return newproc(sched, fn, false).goid;
    }

    /** Sets GOMAXPROCS, returning the previous value. */
    public static int gomaxprocs(Sched sched, int n) {
        return Procresize.gomaxprocs(sched, n);
    }

    /** The goroutine running this code, or null outside goroutines. Go: getg() (the user g). */
    static G getg() {
        if (!Thread.currentThread().isVirtual()) return null;
        M mp = M.current();
        return mp == null ? null : mp.curg;
    }

    /** The runtime of the current goroutine or M, or null. */
    public static Sched currentSched() {
        M mp = M.current();
        return mp == null ? null : mp.sched;
    }

    /** The current goroutine's id, or 0 outside goroutines. */
    public static long currentGoid() {
        G gp = getg();
        return gp == null ? 0 : gp.goid;
    }

    /**
     * Yields the processor: the current goroutine goes to the global run queue. Outside a
     * goroutine, Thread.yield. Go: Gosched → mcall(gosched_m) → goschedImpl.
     */
    public static void gosched() {
        G gp = getg();
        if (gp != null) gp.yieldKind = G.YIELD_GOSCHED;
        Thread.yield();
    }

    /**
     * {@link Checkpoint#pending}: how many Ms, in every runtime of this JVM, have a preemption
     * request set. A checkpoint reads only this while it is 0, which is nearly always: one load
     * of a static volatile int and a branch, with the rest of the check out of line. The field is
     * public (in the API package) because the gort agent emits that test inline in the code it
     * instruments; only M.setPreempt/clearPreempt change it, through this handle.
     */
    private static final java.lang.invoke.VarHandle PREEMPT_PENDING;

    static {
        try {
            PREEMPT_PENDING = java.lang.invoke.MethodHandles.lookup().findStaticVarHandle(Checkpoint.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static void preemptPendingAdd(int d) {
        PREEMPT_PENDING.getAndAdd(d);
    }

    /**
     * A preemption point: if sysmon or a stop-the-world asked the current goroutine to yield,
     * yield. One static volatile load (a plain load on x86) when no request is pending anywhere.
     * Go: the stack-bound check in every function prologue (stackguard0 == stackPreempt).
     */
    public static void checkpoint() {
        if (Checkpoint.pending != 0) checkpointSlow();
    }

    /**
     * Some M has a request: is it ours? A type check and the M's own flag. Any thread; a no-op
     * outside goroutines. Public for {@link Checkpoint#slowPath}.
     */
    public static void checkpointSlow() {
        if (JdkHooks.currentCarrierThread() instanceof M mp && mp.preempt()) {
            preemptPark(mp);
        }
    }

    /** The slow path of a checkpoint. Go: newstack → gopreempt_m → goschedImpl. */
    private static void preemptPark(M mp) {
        if (!Thread.currentThread().isVirtual()) return; // the M's own code is never preempted
        G gp = mp.curg;
        if (gp == null || (!gp.preempt && mp.p != null)) {
            mp.clearPreempt();
            return;
        }
        // Preempted, or running without a P (sysmon handed it off): yield; it comes back
        // through the global queue on an M that has a P.
        gp.yieldKind = G.YIELD_PREEMPT;
        Thread.yield(); // fails (returns at once) if the thread is pinned; the flag stays set
    }

    /**
     * Asks the G running on pp to yield at its next checkpoint. Any thread.
     * Go: preemptone (the cooperative part; there is no signal on the JVM).
     */
    static boolean preemptone(P pp) {
        M mp = pp.m;
        if (mp == null) return false;
        G gp = mp.curg;
        if (gp == null) return false;
        gp.preempt = true;
        mp.setPreempt();
        return true;
    }

    // ------------------------------------------------------------------------------------
    // The scheduler loop. Runs on an M's platform thread ("g0") holding a P.

    /**
     * One round of scheduling, forever: find a runnable G and execute it. Returns when the M
     * must exit (runtime terminated). Go: schedule.
     */
    static void schedule(M mp) {
        Sched sched = mp.sched;
        boolean[] inherit = mp.inheritBuf; // owner-only scratch: no allocation per call
        for (;;) {
            if (mp.exiting) return;
            if (mp.p == null) {
                // sysmon handed our P off while our goroutine ran: wait for one.
                if (!stopm(mp)) return;
                continue;
            }
            if (sched.gcwaiting) {
                if (!gcstopm(mp)) return;
                continue;
            }
            P pp = mp.p;
            Timers.checkTimers(sched, pp); // Go: checkTimers in schedule
            G gp = null;
            boolean inheritTime = false;
            // Fairness: every 61st schedule check the global queue first, so that two
            // goroutines that keep readying each other cannot starve it. Go: schedule, %61.
            // gort: after a preemption the G that has waited longest (the global queue's head:
            // woken by a timer or another thread, or preempted earlier) runs next, before Gs
            // batched into this P's queue earlier. Keeps wake-up latency near one time slice.
            boolean afterPreempt = mp.preempted;
            mp.preempted = false;
            if (pp.schedtick % 61 == 0 && sched.runqsize > 0) {
                sched.lockSched();
                try {
                    gp = sched.globrunqget(pp, 1, true); // fairness: yields first on this tick
                } finally {
                    sched.lock.unlock();
                }
            } else if (afterPreempt && sched.hasWakeups()) {
                // Only a wake-up, never the yield list: the G just preempted is there, and
                // taking it back would starve this P's local queue.
                sched.lockSched();
                try {
                    gp = sched.globrunqgetwakeup();
                } finally {
                    sched.lock.unlock();
                }
            }
            if (gp == null) gp = stealFromStalled(mp, pp);
            if (gp == null) {
                gp = pp.runq.get(inherit);
                inheritTime = inherit[0];
            }
            if (gp == null) {
                gp = findrunnable(mp); // blocks until work
                if (gp == null) return;  // exiting
                inheritTime = mp.inheritTime;
            }
            // This M is about to run a G: if it was spinning, another M must take over the
            // spinning so that new work is not missed. Go: resetspinning.
            if (mp.spinning) resetspinning(mp);
            execute(mp, gp, inheritTime);
        }
    }

    /**
     * Runs gp on the current M until its virtual thread unmounts. Go: execute (and, after the
     * run, the parts of park_m / goexit0 that happen on g0).
     */
    static void execute(M mp, G gp, boolean inheritTime) {
        Sched sched = mp.sched;
        long w = gp.statusWord();
        long runWord = G.word(G.seqOf(w) + 1, G._Grunning);
        if (G.statusOf(w) != G._Grunnable || !gp.casStatusWord(w, runWord)) {
            sched.nstaleentries.incrementAndGet(); // a duplicate queue entry; the G runs elsewhere
            return;
        }
        P pp = mp.p;
        mp.setCurg(gp);
        // Volatile stores cost a fence each on x86: write only what changes.
        if (gp.m != mp) gp.m = mp;
        if (gp.preempt) gp.preempt = false;
        mp.clearPreempt();
        if (!inheritTime) {
            pp.schedwhen = sched.clock.nanotime(); // before the tick: sysmon reads tick, then when
            pp.schedtick = pp.schedtick + 1;       // owner-only counter
        }
        gp.slicewhen = pp.schedwhen;
        if (gp.preemptsince != 0) gp.preemptsince = 0;
        pp.nexecute = pp.nexecute + 1;

        mp.releaseLocks(0); // user code runs: sysmon may now hand our P off (a blocked carrier, a runaway)
        gp.runContinuation.run(); // mount; returns when the virtual thread unmounts
        mp.locks = 1; // back in the scheduler (a volatile write: then we read the P's state)

        // If sysmon was deciding about our P at that moment, let it finish.
        while (pp.status == P._Pretaking) Thread.onSpinWait();
        if (mp.lostP) {
            mp.lostP = false;
            sched.nmlost.decrementAndGet();
        }
        mp.setCurg(null);
        if (!gp.thread.isAlive()) {
            if (gp.casStatusWord(runWord, G.word(G.seqOf(runWord), G._Gdead))) goexit0(sched, gp);
            return;
        }
        // Parked (unless it was readied meanwhile: then the CAS fails and the G is queued).
        WaitReason why = gp.parkingReason;
        WaitReason reason = why != null ? why : WaitReason.JAVA_BLOCKED;
        if (gp.waitreason != reason) gp.waitreason = reason;
        // checkdead: only a wait on a gort primitive used by goroutines alone can be dead.
        boolean external = why == null || gp.parkingExternal || why == WaitReason.RUN_MAIN;
        if (gp.waitExternal != external) gp.waitExternal = external;
        // Approximate, like Go's g.waitsince: sysmon's clock of its last round (at most one
        // sysmon delay old), not a clock read on every park.
        gp.waitsince = sched.approxNow();
        if (!gp.casStatusWord(runWord, G.word(G.seqOf(runWord), G._Gwaiting))) {
            // It may have parked inside a declared syscall (entersyscall keeps the sequence).
            gp.casStatusWord(G.word(G.seqOf(runWord), G._Gsyscall), G.word(G.seqOf(runWord), G._Gwaiting));
        }
    }

    /** A goroutine ended. Runs on the M it ended on. Go: goexit0. */
    private static void goexit0(Sched sched, G gp) {
        sched.allgs.remove(gp);
        if (gp.adoptedBy != null) gp.adoptedBy.forgetAdopted(gp.runContinuation);
        if (gp.spawnedBy != null) gp.spawnedBy.forget(gp.runContinuation);
        if (!gp.system) sched.goroutineEnded(); else sched.systemEnded();
    }

    /**
     * Finds a runnable G, stealing from other Ps; sleeps (stopm) if there is none. Returns null
     * only when the M must exit. Sets mp.inheritTime. Go: findrunnable.
     */
    static G findrunnable(M mp) {
        Sched sched = mp.sched;
        boolean[] inherit = mp.inheritBuf; // owner-only scratch: no allocation per call
        for (;;) {
            if (mp.exiting) return null;
            if (sched.gcwaiting) {
                if (!gcstopm(mp)) return null;
                continue;
            }
            P pp = mp.p;
            Timers.checkTimers(sched, pp); // may ready Gs into our runnext
            // local runq
            G gp = pp.runq.get(inherit);
            if (gp != null) {
                mp.inheritTime = inherit[0];
                return gp;
            }
            // global runq
            if (sched.runqsize != 0) {
                sched.lockSched();
                try {
                    gp = sched.globrunqget(pp, 0);
                } finally {
                    sched.lock.unlock();
                }
                if (gp != null) {
                    mp.inheritTime = false;
                    return gp;
                }
            }
            // Dry: let the OS run another thread on this core if we have held it for long.
            osyieldIfBusy(mp, pp);
            // Poll network. This netpoll is only an optimization before we resort to stealing:
            // skipped when nobody waits or another M blocks in it (lastpoll == 0). The waiters
            // found go to our queue (unpark → ready on this M). Go: findrunnable's netpoll(0).
            Netpoll np = sched.netpoll;
            if (np != null && np.anyWaiters() && np.lastpoll.get() != 0) {
                java.util.ArrayList<Thread> list = np.netpoll(0);
                if (list != null) {
                    np.lastpoll.set(sched.clock.nanotime());
                    Netpoll.injectglist(list);
                    continue; // they are in our runq now
                }
            }
            // Steal. Limit the number of spinning Ms to half the busy Ps, so that the CPU
            // does not burn when GOMAXPROCS >> 1 but there is little parallelism.
            int procs = sched.gomaxprocs;
            if (mp.spinning || 2 * sched.nmspinning.get() < procs - sched.npidle.get()) {
                if (!mp.spinning) {
                    mp.spinning = true;
                    sched.nmspinning.incrementAndGet();
                }
                gp = stealWork(mp);
                if (gp != null) {
                    mp.inheritTime = false;
                    return gp;
                }
                if (sched.gcwaiting) continue;
            }

            // Nothing to do: give up the P. Snapshot allp first: it may change once we drop it.
            P[] allpSnapshot = sched.allp;
            sched.lockSched();
            try {
                if (sched.gcwaiting || mp.exiting) continue;
                if (sched.runqsize != 0) {
                    gp = sched.globrunqget(pp, 0);
                    mp.inheritTime = false;
                    return gp;
                }
                releasep(mp);
                sched.pidleput(pp);
            } finally {
                sched.lock.unlock();
            }

            // Delicate dance (Go's words): a spinning M must drop its spinning state, then
            // re-check every queue, because a submitter that saw it spinning did not wake anyone.
            if (mp.spinning) {
                mp.spinning = false;
                if (sched.nmspinning.decrementAndGet() < 0) {
                    throw new IllegalStateException("findrunnable: negative nmspinning");
                }
                P pp2 = checkRunqsNoP(sched, allpSnapshot);
                if (pp2 != null) {
                    acquirep(mp, pp2);
                    mp.spinning = true;
                    sched.nmspinning.incrementAndGet();
                    continue;
                }
            }
            // Timers pending: one M sleeps until the earliest (Go: the M blocked in netpoll with
            // a timeout), then takes a P back to run them.
            if (timerSleep(mp)) continue;
            if (!stopm(mp)) return null;
        }
    }

    /**
     * An M whose queues have run dry, and which has run for gort.dryyield (100 µs) since it last
     * slept or yielded, yields its core to the OS (sched_yield) before it polls and steals.
     * gort: beyond Go, whose Ms do not yield here (Go's osyield is for spin loops).
     *
     * <p>A busy M rarely sleeps: when its queue empties, the poll or a steal refills it. To the
     * kernel it is then a CPU hog, and a thread woken on its core (the other end of the
     * goroutines' connections, say) waits for the kernel's next tick (4 ms at HZ=250). At the
     * moment its queues are empty the M strands no goroutine by stepping aside, so it lets
     * such a thread run now; when nothing else wants the core, sched_yield returns at once. The
     * interval bounds the cost at one system call per 100 µs of an M's running. Not while an
     * M of ours spins: it is already looking for work, and would be the thread let in.
     * Measured with the echo benchmark at 100 connections, where server and load generator
     * share two cores: p99 2.4–3.2 → 1.3 ms, round trips/s +15–19 % (BENCHMARKS.md; DESIGN §5).
     */
    private static void osyieldIfBusy(M mp, P pp) {
        long every = mp.sched.tunables.dryYieldNs();
        if (every == 0) return;
        long now = mp.sched.clock.nanotime();
        if (now - mp.busySince < every) return; // our own field first, the shared counter only when due
        // A spinning M is looking for work: the core would most likely go to that thread of
        // ours, which then finds nothing (measured: a P=2 ping-pong 12 % slower without this).
        if (mp.sched.nmspinning.get() > 0) return;
        mp.busySince = now;
        pp.ndryyield = pp.ndryyield + 1;
        Thread.yield(); // a platform thread (g0): HotSpot's JVM_Yield, sched_yield(2) on Linux. Go: osyield
    }

    /** Marks the start of an M's running (mstart, the end of a sleep): osyieldIfBusy counts from here. */
    static void awake(M mp) {
        mp.busySince = mp.sched.clock.nanotime();
    }

    /**
     * If timers are pending and no other M sleeps for them, sleeps until the earliest one (or a
     * wake-up), then tries to take an idle P. Returns true if the M holds a P again. Runs
     * without a P. Go: findrunnable's blocking netpoll(delay).
     */
    private static boolean timerSleep(M mp) {
        Sched sched = mp.sched;
        long until = Timers.timeSleepUntil(sched);
        Netpoll np = sched.netpoll;
        // Go: netpollinited() && (netpollAnyWaiters() || pollUntil != 0) && lastpoll != 0: with
        // timers pending the sleeper blocks in the poll too, so that a goroutine that starts
        // waiting on the network meanwhile is not left to sysmon's 10 ms poll.
        boolean net = np != null && np.lastpoll.get() != 0 && (np.anyWaiters() || until != 0);
        if ((until == 0 && !net) || sched.timerSleeper != null) return false;
        sched.lockSched();
        try {
            if (sched.timerSleeper != null || sched.state == Sched.TERMINATED || mp.exiting) return false;
            sched.timerSleepUntil = until == 0 ? Long.MAX_VALUE : until; // before timerSleeper: an adder that sees us sees it
            sched.timerSleeper = mp;
        } finally {
            sched.lock.unlock();
        }
        java.util.ArrayList<Thread> list = null;
        try {
            // Dekker with Timers.start (push, then read timerSleeper): a timer added before we
            // were registered is seen here, one added after wakes us.
            long again = Timers.timeSleepUntil(sched);
            if (again != 0 && (until == 0 || again < until)) {
                until = again;
                sched.timerSleepUntil = until;
            }
            // -1: no timer, wait for the network alone; 0: a timer is already due (run it now).
            long wait = until == 0 ? -1 : Math.max(0, until - sched.clock.nanotime());
            if (net && (wait < 0 || wait >= Tunables.MS)) {
                // Block in netpoll until the next timer (whole milliseconds: the Selector's unit;
                // the rest is slept below). Go: findrunnable's netpoll(delay), lastpoll = 0.
                // Dekker with wakeTimerSleeper (notewakeup, then read inNetpoll): a wake-up sent
                // before inNetpoll was visible is seen here, one sent after breaks the poll.
                mp.inNetpoll = true;
                try {
                    list = sched.state == Sched.TERMINATED || mp.exiting || mp.notePending() ? null
                            : np.netpollBlock(wait < 0 ? -1 : wait);
                } finally {
                    mp.inNetpoll = false;
                    mp.noteclear();
                }
            } else if (wait > 0) {
                mp.notetsleep(wait);
            }
        } finally {
            // Until first: the next sleeper registers only after it reads timerSleeper == null, so
            // this 0 can never overwrite its until (adders would then never wake it).
            sched.timerSleepUntil = 0;
            sched.timerSleeper = null;
        }
        awake(mp);
        P pp = null;
        if (!mp.exiting) {
            sched.lockSched();
            try {
                pp = sched.pidleget();
            } finally {
                sched.lock.unlock();
            }
        }
        if (pp == null) {
            if (list != null) Netpoll.injectglist(list); // no P: global queue, wakep
            return false;
        }
        // As Go: take the P first, then make the goroutines runnable from here, so that they land
        // in our own queue (in order) and this M runs them, instead of going to
        // the global queue and waking another M for them.
        acquirep(mp, pp);
        if (list != null) Netpoll.injectglist(list);
        return true;
    }

    /**
     * After dropping the P and the spinning state: if any queue has work, take an idle P back.
     * Go: checkRunqsNoP and the global re-check in findrunnable.
     */
    private static P checkRunqsNoP(Sched sched, P[] allpSnapshot) {
        boolean work = sched.runqsize != 0;
        if (!work) {
            for (P p2 : allpSnapshot) {
                if (!p2.runq.isEmpty()) {
                    work = true;
                    break;
                }
            }
        }
        if (!work) return null;
        sched.lockSched();
        try {
            return sched.gcwaiting ? null : sched.pidleget();
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Tries to steal a batch of Gs from another P, in random order, four rounds; the last round
     * may also take a victim's runnext. Go: stealWork (findrunnable's steal loop in 1.16).
     */
    private static G stealWork(M mp) {
        Sched sched = mp.sched;
        P pp = mp.p;
        P[] allp = sched.allp;
        int n = allp.length;
        if (n <= 1) return null;
        int[] coprimes = sched.stealCoprimes;
        for (int round = 0; round < 4; round++) {
            boolean stealRunNext = round == 3;
            int r = mp.fastrand();
            int pos = r % n;
            int inc = coprimes[(r >>> 8) % coprimes.length];
            for (int k = 0; k < n; k++, pos = (pos + inc) % n) {
                if (sched.gcwaiting) return null;
                P p2 = allp[pos];
                if (p2 == pp) continue;
                // The last round also runs the victim's due timers (which may ready Gs into
                // our runnext). Go: stealWork's checkTimers(p2, now).
                if (stealRunNext && p2.timers.timer0When != 0) {
                    Timers.checkTimers(sched, p2);
                    G mine = pp.runq.get(mp.inheritBuf);
                    if (mine != null) return mine;
                }
                if (p2.status == P._Pidle) continue;
                G gp = pp.runq.steal(p2.runq, stealRunNext, p2.status == P._Prunning);
                if (gp != null) {
                    pp.nsteal = pp.nsteal + 1;
                    return gp;
                }
            }
        }
        return null;
    }

    /**
     * Takes the queue of a stalled P. Every gort.stallsteal (100 µs) of its own scheduling, an
     * M with work looks at the other running Ps: one that has started no goroutine since the
     * last look and has goroutines queued is stalled, because the OS has descheduled its thread
     * (two Ms time-sharing one core) or its goroutine runs long, and this M takes half of its
     * queue (runqsteal: the oldest half) and runs the oldest first. Go steals only when a P runs
     * dry; an M that always finds new work (in its own queue, or in the network poller, which
     * refills it) never does, and the goroutines queued behind a descheduled thread wait for that
     * thread's next time slice, 4 ms and more (docs/DESIGN.md §5). gort: beyond Go.
     */
    private static G stealFromStalled(M mp, P pp) {
        if ((++mp.stallTick & 7) != 0) return null; // the rest, with a clock read, every 8th round
        long every = mp.sched.tunables.stallStealNs();
        if (every == 0) return null;
        long now = mp.sched.clock.nanotime();
        if (now - mp.stallCheckAt < every) return null;
        mp.stallCheckAt = now;
        P[] allp = mp.sched.allp;
        long[] seen = mp.stallSeen;
        if (seen.length != allp.length) seen = mp.stallSeen = new long[allp.length]; // procresize
        G first = null;
        for (int i = 0; i < allp.length; i++) {
            P p2 = allp[i];
            long ex = p2.nexecute;
            long before = seen[i];
            seen[i] = ex;
            if (p2 == pp || ex != before || p2.status != P._Prunning || p2.runq.size() == 0) continue;
            // Room behind our own queue for what runqsteal may take (half of a queue).
            if (pp.runq.size() >= pp.runq.capacity() / 2) break;
            G gp = pp.runq.steal(p2.runq, false, true);
            if (gp == null) continue;
            pp.nstallsteal = pp.nstallsteal + 1;
            if (first == null) {
                first = gp;
                continue;
            }
            G overflow = pp.runq.put(gp, false); // cannot overflow: room was checked
            if (overflow != null) {
                mp.sched.lockSched();
                try {
                    mp.sched.globrunqputbatch(overflow);
                } finally {
                    mp.sched.lock.unlock();
                }
            }
        }
        return first;
    }

    /** Numbers coprime to n, for random steal order. Go: randomOrder.reset. */
    static int[] coprimes(int n) {
        int[] tmp = new int[Math.max(n, 1)];
        int k = 0;
        for (int i = 1; i <= n; i++) {
            if (gcd(i, n) == 1) tmp[k++] = i;
        }
        return java.util.Arrays.copyOf(tmp, Math.max(k, 1));
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** A spinning M found work: stop spinning, and wake another spinner if needed. Go: resetspinning. */
    static void resetspinning(M mp) {
        mp.spinning = false;
        if (mp.sched.nmspinning.decrementAndGet() < 0) {
            throw new IllegalStateException("resetspinning: negative nmspinning");
        }
        // M wakeup policy is deliberately somewhat conservative, so check if we need to wake
        // up another P here.
        wakep(mp.sched);
    }

    // ------------------------------------------------------------------------------------
    // Starting and stopping Ms, handing off Ps.

    /**
     * Tries to add one more P to execute Gs, if there is an idle P and nobody spinning.
     * Any thread. Go: wakep.
     */
    static void wakep(Sched sched) {
        if (sched.npidle.get() == 0) return;
        // Be conservative about spinning threads: only start one if none exist already.
        if (sched.nmspinning.get() != 0 || !sched.nmspinning.compareAndSet(0, 1)) return;
        startm(sched, null, true);
    }

    /**
     * Schedules some M to run pp (an idle P if pp is null), creating one if needed.
     * With spinning, the caller has incremented nmspinning. Any thread, sched lock not held.
     * Go: startm.
     */
    static void startm(Sched sched, P pp, boolean spinning) {
        M nmp;
        long newId = -1;
        RuntimeException failure = null;
        sched.lockSched();
        try {
            if (pp == null) {
                pp = sched.pidleget();
                if (pp == null) {
                    if (spinning) sched.nmspinning.decrementAndGet();
                    return;
                }
            }
            if (sched.state == Sched.TERMINATED) {
                releaseUnusedP(sched, pp, spinning);
                return;
            }
            nmp = sched.mget();
            if (nmp == null) {
                try {
                    newId = sched.mReserveID(); // checkdead counts a reserved M as running
                } catch (dev.gort.ThreadExhaustionException e) {
                    releaseUnusedP(sched, pp, spinning);
                    sched.startmFailed = true; // an M on its way to stopm takes the P (Sched.startmFailed)
                    failure = e;
                }
            }
        } finally {
            sched.lock.unlock();
        }
        if (failure != null) {
            sched.fatal(failure);
            return;
        }
        if (nmp == null) {
            Mstart.newm(sched, spinning ? Mstart.MSPINNING : null, pp, newId);
            return;
        }
        if (nmp.spinning) throw new IllegalStateException("startm: m is spinning");
        if (nmp.nextp != null) throw new IllegalStateException("startm: m has p");
        nmp.spinning = spinning;
        nmp.nextp = pp;
        nmp.notewakeup();
    }

    /** Puts back a P that startm could not give to an M. Sched lock held. */
    private static void releaseUnusedP(Sched sched, P pp, boolean spinning) {
        G work = pp.runq.drain();
        sched.globrunqputbatch(work);
        pp.m = null;
        sched.pidleput(pp);
        if (spinning) sched.nmspinning.decrementAndGet();
    }

    /**
     * Stops the M until new work is available. Returns false if the M must exit instead.
     * Go: stopm.
     */
    static boolean stopm(M mp) {
        Sched sched = mp.sched;
        if (mp.p != null) throw new IllegalStateException("stopm holding p");
        if (mp.spinning) throw new IllegalStateException("stopm spinning");
        boolean dead;
        P instead = null;
        sched.lockSched();
        try {
            if (sched.state == Sched.TERMINATED || mp.exiting) return false;
            if (sched.startmFailed && !sched.gcwaiting && (instead = sched.pidleget()) != null) {
                sched.startmFailed = false; // we are the M that startm could not create
                dead = false;
            } else {
                sched.mput(mp);
                mp.blocked = true;
                dead = Checkdead.check(sched);
            }
        } finally {
            sched.lock.unlock();
        }
        if (instead != null) {
            acquirep(mp, instead);
            awake(mp);
            return true;
        }
        if (dead) Checkdead.report(sched);
        // A notewakeup meant for an earlier sleep (a timer or netpoll waker racing the end of
        // timerSleep) may still be pending: only startm's (nextp set first) or exit ends this one.
        do {
            mp.notesleep();
        } while (mp.nextp == null && !mp.exiting);
        mp.blocked = false;
        awake(mp);
        if (mp.exiting) {
            P pp = mp.nextp;
            if (pp != null) {
                mp.nextp = null;
                sched.lockSched();
                try {
                    releaseUnusedP(sched, pp, false);
                } finally {
                    sched.lock.unlock();
                }
            }
            return false;
        }
        acquirep(mp, mp.nextp);
        mp.nextp = null;
        return true;
    }

    /**
     * Hands off pp from a syscall or a locked M: starts an M for it if there is work, else puts
     * it on the idle list. Go: handoffp.
     */
    static void handoffp(Sched sched, P pp) {
        // if it has local work, start it straight away
        if (!pp.runq.isEmpty() || sched.runqsize != 0) {
            startm(sched, pp, false);
            return;
        }
        // no local work, check that there are no spinning/idle M's, otherwise our help is not required
        if (sched.nmspinning.get() + sched.npidle.get() == 0 && sched.nmspinning.compareAndSet(0, 1)) {
            startm(sched, pp, true);
            return;
        }
        boolean start = false;
        sched.lockSched();
        try {
            pp.m = null;
            if (sched.gcwaiting) {
                pp.status = P._Pgcstop;
                sched.stopwait--;
                if (sched.stopwait == 0) sched.stopnote.signalAll();
                return;
            }
            Netpoll np = sched.netpoll;
            if (sched.runqsize != 0) {
                pp.status = P._Pidle;
                start = true;
            } else if (np != null && np.anyWaiters() && sched.npidle.get() == sched.gomaxprocs - 1 && np.lastpoll.get() != 0) {
                // If this is the last running P and nobody is polling network, need to wakeup
                // another M to poll network (Go's words).
                pp.status = P._Pidle;
                start = true;
            } else {
                sched.pidleput(pp);
            }
        } finally {
            sched.lock.unlock();
        }
        if (start) startm(sched, pp, false);
    }

    /** Associates pp with the current M. Go: acquirep / wirep. */
    static void acquirep(M mp, P pp) {
        if (mp.p != null) throw new IllegalStateException("acquirep: already in go");
        if (pp.m != null || pp.status != P._Pidle) {
            throw new IllegalStateException("acquirep: invalid p state: " + pp + " m=" + pp.m);
        }
        mp.p = pp;
        pp.m = mp;
        pp.status = P._Prunning;
        // Work arrived: a P is busy again, so sysmon must watch it. (Go wakes sysmon only from
        // syscalls and start-the-world; gort also wakes it here, so that a goroutine started
        // while sysmon deep-sleeps is preempted on time.)
        if (mp.sched.sysmonwait) Sysmon.wake(mp.sched);
    }

    /** Disassociates the current M from its P. Go: releasep. */
    static P releasep(M mp) {
        P pp = mp.p;
        // sysmon may have flipped our running P to _Pretaking for an instant (it backs off: our
        // locks is set in scheduler code); wait that out before checking.
        while (pp != null && pp.status == P._Pretaking) Thread.onSpinWait();
        if (pp == null || pp.m != mp || pp.status != P._Prunning) {
            throw new IllegalStateException("releasep: invalid arg: " + pp + " m=" + (pp == null ? null : pp.m));
        }
        mp.p = null;
        pp.m = null;
        pp.status = P._Pidle;
        return pp;
    }

    /**
     * Stops the current M for stop-the-world. Returns false if the M must exit. Go: gcstopm.
     */
    static boolean gcstopm(M mp) {
        Sched sched = mp.sched;
        if (mp.spinning) {
            mp.spinning = false;
            if (sched.nmspinning.decrementAndGet() < 0) {
                throw new IllegalStateException("gcstopm: negative nmspinning");
            }
        }
        P pp = releasep(mp);
        sched.lockSched();
        try {
            pp.status = P._Pgcstop;
            sched.stopwait--;
            if (sched.stopwait == 0) sched.stopnote.signalAll();
        } finally {
            sched.lock.unlock();
        }
        return stopm(mp);
    }
}
