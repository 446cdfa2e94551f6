package dev.gort.runtime;

/**
 * A processor: the right to run goroutines, and the local work that goes with it.
 * GOMAXPROCS of them exist. Go: runtime2.go type p.
 *
 * <h2>Status</h2>
 * Go's values (runtime2.go).
 * <pre>
 *   from        to          who
 *   _Pidle      _Prunning   acquirep (an M takes it from the idle list or as nextp)
 *   _Prunning   _Pidle      releasep + pidleput (findrunnable finds nothing; handoffp)
 *   _Prunning   _Psyscall   entersyscall (the P stays with the M, unowned)
 *   _Psyscall   _Prunning   exitsyscall fast path (CAS; the same M takes it back)
 *   _Psyscall   _Pidle      retake (sysmon, CAS) then handoffp
 *   any         _Pgcstop    stop-the-world (stopTheWorld for idle Ps, gcstopm for running)
 *   _Pgcstop    _Pidle/_Prunning  startTheWorld (procresize)
 *   any         _Pdead      procresize when GOMAXPROCS shrinks
 *   _Prunning   _Pretaking  sysmon (CAS), about to take the P from a running G's M
 *   _Pretaking  _Pidle      sysmon, if the M's locks is 0 (then handoffp)
 *   _Pretaking  _Prunning   sysmon, if the M is in runtime code (locks != 0)
 * </pre>
 * The M holding a P in _Prunning owns its run queue's producer side and its counters.
 */
public final class P {
    public static final int _Pidle = 0;
    public static final int _Prunning = 1;
    public static final int _Psyscall = 2;
    public static final int _Pgcstop = 3;
    public static final int _Pdead = 4;
    /**
     * gort only: sysmon is taking this P from an M whose goroutine is running (a blocked
     * carrier, or a goroutine that ignored preemption). Transient: sysmon either commits
     * (→ _Pidle, handoffp) or backs off (→ _Prunning) within a few instructions.
     */
    public static final int _Pretaking = 5;

    private static final java.lang.invoke.VarHandle STATUS;

    static {
        try {
            STATUS = java.lang.invoke.MethodHandles.lookup().findVarHandle(P.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    boolean casStatus(int expect, int update) {
        return STATUS.compareAndSet(this, expect, update);
    }

    /** Index in allp. Go: p.id. */
    final int id;
    /** This P's cache of the default span heap, made on first use. Go: p.mcache. */
    volatile dev.gort.runtime.mem.MCache mcache;
    volatile int status;
    /** The M holding this P, or null. Go: p.m. */
    volatile M m;
    /** Link in the idle P list; sched lock held. Go: p.link. */
    P link;
    /** The local run queue and runnext. */
    final RunQueue runq;
    /** Incremented on every scheduler call that does not inherit the slice. Go: p.schedtick. */
    volatile long schedtick;
    /**
     * gort: when the current time slice began (the clock at the schedtick increment). Lets
     * sysmon preempt at exactly forcePreemptNS instead of one sampling delay late.
     */
    volatile long schedwhen;
    /** Incremented on every system call. Go: p.syscalltick. */
    volatile long syscalltick;
    /** This P's timers. Go: p.timers. */
    final Timers.Heap timers = new Timers.Heap();
    /** What sysmon last saw of this P. Go: p.sysmontick. */
    final SysmonTick sysmontick = new SysmonTick();

    // Counters for the tour and schedtrace (owner thread writes, others read racily).
    volatile long nsteal;      // Gs stolen by this P from others
    volatile long nexecute;    // Gs executed on this P
    volatile long nstallsteal; // steals by this P from a stalled P (Proc.stealFromStalled)
    volatile long ndryyield;   // cores yielded to the OS by this P's Ms when dry (Proc.osyieldIfBusy)

    P(int id, int runqCapacity) {
        this.id = id;
        this.runq = new RunQueue(runqCapacity);
        this.status = _Pgcstop;
    }

    /** The last P counters sysmon saw, and when. Go: sysmontick. */
    static final class SysmonTick {
        long schedtick;
        long schedwhen;
        long syscalltick;
        long syscallwhen;
        /** gort: when sysmon asked preemptG to yield (0: not asked in this slice). */
        long preemptwhen;
        /** gort: the G that was asked; a runnext successor inherits the slice but not the request. */
        G preemptG;
        /** gort: the M's thread CPU time at the last sample, and when it was taken. */
        long cputime = -1;
        long cputimeWhen;
    }

    /** Go's name for a P status. */
    public static String statusName(int s) {
        return switch (s) {
            case _Pidle -> "idle";
            case _Prunning -> "running";
            case _Psyscall -> "syscall";
            case _Pgcstop -> "gcstop";
            case _Pdead -> "dead";
            case _Pretaking -> "retaking";
            default -> "unknown(" + s + ")";
        };
    }

    @Override
    public String toString() {
        return "P" + id + "[" + statusName(status) + "]";
    }
}
