package dev.gort.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A goroutine: gort's record of one virtual thread. Go: runtime2.go type g.
 *
 * <p>The G is also the virtual thread's scheduler: the JDK calls {@link #execute} whenever
 * the thread becomes runnable (start, unpark, yield, monitor unblock), and that call is Go's
 * {@code ready}. One executor per G means no lookup from the JDK's task to our record.
 *
 * <h2>Status</h2>
 * Go's names and values (runtime2.go). The status word packs a run sequence number above the
 * low 8 status bits; {@link Proc#execute} increments it when an M takes the G, so an M that
 * comes back from running a G can tell, by CAS, whether the G has meanwhile been readied and
 * taken by another M (the unpark can arrive before the carrier has returned).
 * <pre>
 *   from         to           who
 *   (new)        _Grunnable   newproc, before the virtual thread starts
 *   _Grunnable   _Grunning    execute, on the M that dequeued it (seq+1)
 *   _Grunning    _Grunnable   ready: yield/preempt (on its own M, during unmount) or a
 *                             wake-up that raced with the unmount (any thread)
 *   _Grunning    _Gwaiting    the M, after the virtual thread unmounted parked (CAS on seq)
 *   _Grunning    _Gsyscall    entersyscall (the G itself)
 *   _Gsyscall    _Grunning    exitsyscall (the G itself)
 *   _Gwaiting    _Grunnable   ready (any thread: the JDK's executor call)
 *   _Grunning    _Gdead       goexit0, on the M it ended on (CAS on seq)
 * </pre>
 * A duplicate queue entry (the JDK may resubmit a runnable thread it suspended to take its
 * stack) is harmless: execute's CAS from _Grunnable fails for every entry but one.
 */
public final class G implements Executor, Runnable {
    // G status values, Go's (runtime2.go).
    public static final int _Gidle = 0;
    public static final int _Grunnable = 1;
    public static final int _Grunning = 2;
    public static final int _Gsyscall = 3;
    public static final int _Gwaiting = 4;
    public static final int _Gdead = 6;
    public static final int _Gpreempted = 9;

    static final int STATUS_MASK = 0xff;
    static final int SEQ_SHIFT = 8;

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(G.class, "atomicstatus", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Sched sched;
    /** Goroutine id; the main goroutine of the first run is 1, as in Go. */
    public final long goid;
    /** The goid of the goroutine that created this one (0: created outside gort). */
    final long parentGoid;
    /** The user's function; null for an adopted virtual thread. */
    private final Runnable fn;
    /** The goroutine's virtual thread. */
    Thread thread;
    /** The JDK's runContinuation task for {@link #thread}; set by the first execute. */
    Runnable runContinuation;

    /** Status in the low 8 bits, run sequence above. See the class comment. */
    private volatile long atomicstatus;

    /**
     * Preemption request: set by preemptone (sysmon, stop-the-world), read by checkpoints, cleared
     * by execute. Go: g.preempt with stackguard0 = stackPreempt.
     */
    volatile boolean preempt;
    /**
     * When sysmon first asked this G to yield in its current slice (runtime clock), 0 if it has
     * not; for the runaway report. Written by sysmon, cleared by execute.
     */
    volatile long preemptsince;
    /** When its current slice began (the P's schedwhen at execute). Read racily by sysmon. */
    long slicewhen;
    /** Whether sysmon has reported it as a runaway (once per goroutine). Sysmon only. */
    boolean runawayReported;
    /** Why the G yielded last; written by the G itself just before it yields. */
    int yieldKind;
    static final int YIELD_GOSCHED = 1;
    static final int YIELD_PREEMPT = 2;
    static final int YIELD_EXITSYSCALL = 3;

    /** Set by a gort primitive just before it parks; read by the M after the unmount. */
    WaitReason parkingReason;
    /** With parkingReason: a thread outside gort may also wake it (the primitive was used from outside). */
    boolean parkingExternal;
    /** Whether a thread outside gort may wake it; valid while _Gwaiting. */
    volatile boolean waitExternal = true;
    /** Why it waits; valid while _Gwaiting. */
    volatile WaitReason waitreason = WaitReason.ZERO;
    /** When it started waiting (the runtime clock, ns), approximate; valid while _Gwaiting. Read racily by dumps. */
    long waitsince;

    /** The M running this G, or the M that ran it last. */
    volatile M m;
    /** Link in the global run queue or a G list; sched lock held. */
    G schedlink;
    /** True for a goroutine started by run(main). */
    final boolean isMain;
    /** A runtime goroutine (the forcegc helper): not counted, not in checkdead or dumps. Go: isSystemGoroutine. */
    boolean system;

    /** Links in {@link AllGs}; guarded by its stripe lock. */
    G allgPrev, allgNext;
    boolean inAllgs;
    /** For an adopted virtual thread: the G whose executor the JDK calls for it. */
    G adoptedBy;
    /** For a thread made by a {@link Spawner}'s builder: that spawner (it routes the JDK's calls). */
    Spawner spawnedBy;
    /** Virtual threads created inside this goroutine inherit this G as their scheduler. */
    private Map<Runnable, G> adopted;

    G(Sched sched, long goid, long parentGoid, Runnable fn, boolean isMain) {
        this.sched = sched;
        this.goid = goid;
        this.parentGoid = parentGoid;
        this.fn = fn;
        this.isMain = isMain;
        this.atomicstatus = _Grunnable;
    }

    /** The virtual thread's task: the goroutine body. Go: goexit wraps the fn. */
    @Override
    public void run() {
        try {
            fn.run();
        } catch (Throwable t) {
            sched.gopanic(this, t);
        }
    }

    /**
     * The JDK's scheduler call: the virtual thread must run. Go: ready / goready.
     * Runs on any thread; when the caller is a virtual thread the JDK has pinned it here.
     */
    @Override
    public void execute(Runnable r) {
        if (r == runContinuation) {
            Proc.ready(this);
        } else {
            executeSlow(r);
        }
    }

    private void executeSlow(Runnable r) {
        if (runContinuation == null) {
            // Thread.start: newproc's runqput.
            runContinuation = r;
            Proc.readyNew(this);
            return;
        }
        // A virtual thread created inside this goroutine inherited this G as its scheduler:
        // it becomes a goroutine of its own.
        G child;
        synchronized (this) {
            if (adopted == null) adopted = new HashMap<>();
            child = adopted.get(r);
            if (child == null) {
                child = sched.adopt(this, r);
                adopted.put(r, child);
            }
        }
        if (child.runContinuation == r && child.status() == _Grunnable && !child.started) {
            child.started = true;
            Proc.readyNew(child);
        } else {
            child.execute(r);
        }
    }

    /** For an adopted thread: whether its first submission has been queued. */
    private boolean started;

    /** Drops an adopted child's routing entry when it ends. */
    void forgetAdopted(Runnable r) {
        synchronized (this) {
            if (adopted != null) adopted.remove(r);
        }
    }

    /**
     * Whether something other than a goroutine of this runtime may make this waiting G
     * runnable: true for waits in JDK code and on gort primitives used from outside.
     */
    boolean externallyWakeable() {
        return waitExternal;
    }

    /** The status without the sequence bits. Go: readgstatus. */
    public int status() {
        return (int) (atomicstatus & STATUS_MASK);
    }

    long statusWord() {
        return atomicstatus;
    }

    boolean casStatusWord(long expect, long update) {
        return STATUS.compareAndSet(this, expect, update);
    }

    void setStatusWord(long v) {
        atomicstatus = v;
    }

    static long word(long seq, int status) {
        return (seq << SEQ_SHIFT) | status;
    }

    static long seqOf(long word) {
        return word >>> SEQ_SHIFT;
    }

    static int statusOf(long word) {
        return (int) (word & STATUS_MASK);
    }

    /** Go's name for a status, for dumps. */
    public static String statusName(int s) {
        return switch (s) {
            case _Gidle -> "idle";
            case _Grunnable -> "runnable";
            case _Grunning -> "running";
            case _Gsyscall -> "syscall";
            case _Gwaiting -> "waiting";
            case _Gdead -> "dead";
            case _Gpreempted -> "preempted";
            default -> "unknown(" + s + ")";
        };
    }

    @Override
    public int hashCode() {
        return Long.hashCode(goid * 0x9E3779B97F4A7C15L);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return "goroutine " + goid + " [" + statusName(status()) + "]";
    }
}
