package dev.gort.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A machine: a platform thread that carries goroutines. Go: runtime2.go type m.
 *
 * <p>The M is its own {@link Thread} so that runtime code in a goroutine finds its M with one
 * intrinsic load ({@link JdkHooks#currentCarrierThread}) and a type check, and a checkpoint is
 * that plus one read of {@link #preempt}.
 *
 * <p>Ownership: {@code p}, {@code nextp}, {@code curg} and {@code spinning} are written by
 * the M's own thread, except where noted (startm writes {@code nextp} and {@code spinning}
 * of an idle M under the sched lock before waking it).
 */
public final class M extends Thread {
    final Sched sched;
    /** M id; also the thread name's suffix (gort-m0, gort-m1, ...). -1 is never used. */
    final long id;
    /** Run on this M before schedule(), if set (sysmon, mspinning). Go: m.mstartfn. */
    final Runnable mstartfn;

    /** The P this M holds, or null. Go: m.p. */
    volatile P p;
    /** The P to acquire when this M starts or wakes. Go: m.nextp. */
    volatile P nextp;
    /** The P held before a syscall. Go: m.oldp. */
    volatile P oldp;
    /** The goroutine currently mounted, or null on the scheduler ("g0"). Go: m.curg. */
    volatile G curg;
    /** Looking for work (counted in sched.nmspinning). Go: m.spinning. */
    volatile boolean spinning;
    /**
     * A preemption request for the goroutine on this M; what a checkpoint's slow path reads.
     * Written only through {@link #setPreempt} and {@link #clearPreempt}, which keep
     * {@code dev.gort.Checkpoint.pending} counting the Ms whose flag is set.
     */
    private volatile boolean preempt;

    boolean preempt() {
        return preempt;
    }

    /** Sets the request; any thread. Go: the stackguard0 = stackPreempt store. */
    void setPreempt() {
        if (!preempt && PREEMPT.compareAndSet(this, false, true)) Proc.preemptPendingAdd(1);
    }

    /** Clears the request (the goroutine yielded, or a new one starts); any thread. */
    void clearPreempt() {
        if (preempt && PREEMPT.compareAndSet(this, true, false)) Proc.preemptPendingAdd(-1);
    }

    private static final java.lang.invoke.VarHandle PREEMPT;

    static {
        try {
            PREEMPT = java.lang.invoke.MethodHandles.lookup().findVarHandle(M.class, "preempt", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /**
     * Non-zero while this M runs runtime code: its scheduler ("g0"), or runtime code called by
     * its goroutine (ready). sysmon takes the P from under a running goroutine only while this
     * is 0. Written only by the M's own carrier thread. Go: m.locks (acquirem / releasem).
     */
    volatile int locks = 1;

    private static final java.lang.invoke.VarHandle LOCKS, CURG;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            LOCKS = l.findVarHandle(M.class, "locks", int.class);
            CURG = l.findVarHandle(M.class, "curg", G.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Leaves runtime code: a release store. Entering needs the full (volatile) store, because
     * it must be visible before the entering code reads the P's status (the Dekker handshake
     * with sysmon); leaving only has to come after the runtime code's own stores.
     */
    void releaseLocks(int v) {
        LOCKS.setRelease(this, v);
    }

    /**
     * Sets curg with a release store. Its readers (sysmon's preemptone, traces, the M's own
     * runtime code) pair with nothing that needs a full fence; a volatile store would cost one
     * on every switch.
     */
    void setCurg(G gp) {
        CURG.setRelease(this, gp);
    }
    /** sysmon took this M's P while its goroutine ran (counted in sched.nmlost until it unmounts). */
    volatile boolean lostP;
    /** The P's syscalltick when the syscall began. Go: m.syscalltick. */
    long syscalltick;
    /** The last G this M ran was preempted (schedule then looks at the global queue first). */
    boolean preempted;
    /** Set while this M, as the timer sleeper, blocks in netpoll instead of notetsleep. */
    volatile boolean inNetpoll;
    /** Readying a batch from the poller (injectglist): FIFO into the local queue, not runnext. Owner only. */
    boolean injecting;
    /** Set while this M sleeps in stopm. */
    volatile boolean blocked;
    /** Per-M sleep: Go's note m.park (notesleep / notewakeup). */
    private volatile boolean parkKey;
    /** Link in the idle M list; sched lock held. Go: m.schedlink. */
    M schedlink;
    /** The kernel's thread id, recorded in mstart. Go: m.procid. */
    volatile long procid = -1;
    /** Set when this M should exit (runtime terminated); checked after every wake. */
    volatile boolean exiting;
    /** Whether the next G inherits the time slice; returned by findrunnable with the G. */
    boolean inheritTime;
    /** Scratch for runq.get in the scheduler; owner thread only. */
    final boolean[] inheritBuf = new boolean[1];
    /** stealFromStalled: rounds since the last clock read, when this M last looked, and the Ps'
     *  nexecute it saw then. Owner only. */
    int stallTick;
    long stallCheckAt;
    long[] stallSeen = new long[0];
    /** osyieldIfBusy: when this M last woke from a sleep or yielded its core (nanotime). Owner only. */
    long busySince;
    /** Random source for steal order; owner thread only. Go: m.fastrand. */
    long fastrand;

    /** Go: allocm. Records mstartfn; the thread is started by newosproc. */
    M(Sched sched, long id, Runnable mstartfn, String name) {
        super(null, null, name, 0, false);
        this.sched = sched;
        this.id = id;
        this.mstartfn = mstartfn;
        this.fastrand = 0x9E3779B97F4A7C15L * (id + 1) ^ System.nanoTime();
        setDaemon(true);
    }

    /** The thread body. Go: newosproc's clone entry point, mstart. */
    @Override
    public void run() {
        Mstart.mstart(this);
    }

    /** Sleeps until notewakeup. Go: notesleep(&m.park) then noteclear. Own thread only. */
    void notesleep() {
        while (!parkKey) {
            LockSupport.park(this);
        }
        parkKey = false;
    }

    /** notesleep with a timeout; returns true if woken. Own thread only. Go: notetsleep. */
    boolean notetsleep(long ns) {
        long deadline = System.nanoTime() + ns;
        while (!parkKey) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            LockSupport.parkNanos(this, left);
        }
        parkKey = false;
        return true;
    }

    /** Whether a notewakeup is pending. Own thread only. */
    boolean notePending() {
        return parkKey;
    }

    /** Forgets a pending notewakeup. Own thread only. Go: noteclear. */
    void noteclear() {
        parkKey = false;
    }

    /** Wakes the M from notesleep. Go: notewakeup(&m.park). */
    void notewakeup() {
        parkKey = true;
        LockSupport.unpark(this);
    }

    /** xorshift64; owner thread only. Go: fastrand. */
    int fastrand() {
        long x = fastrand;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        fastrand = x;
        return (int) (x >>> 32) & Integer.MAX_VALUE;
    }

    /** The M the current code runs on, or null outside this runtime's Ms. Go: getg().m. */
    static M current() {
        return JdkHooks.currentCarrierThread() instanceof M mp ? mp : null;
    }
}
