package dev.gort.runtime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.gort.GoroutinePanicException;
import dev.gort.PanicPolicy;

/**
 * One runtime instance: Go's global {@code sched} (schedt) together with allp, allm and allgs.
 * Several may live in one JVM. The scheduler's algorithms are in {@link Proc}; this class holds
 * the shared state and the small helpers that Go keeps next to it: the global run queue, the
 * idle P and M lists, M id reservation, and the runtime's lifecycle.
 *
 * <p>Locking: {@link #lock} is Go's sched.lock. It is taken by Ms on their scheduler and by
 * goroutine code only inside the JDK's executor call (where the JDK pins the virtual thread,
 * so a contended lock blocks the carrier, as Go's lock blocks the M). Fields marked "sched
 * lock held" are written under it; counters read without it are advisory, as in Go.
 */
public final class Sched {
    /** Go's _MaxGomaxprocs is 1024 in 1.16's fixed-size arrays; gort takes the same bound. */
    public static final int MAX_GOMAXPROCS = 1024;
    /** Go's default maxmcount. */
    public static final int DEFAULT_MAX_THREADS = 10_000;

    /** Validated configuration. */
    public record Config(String name, int gomaxprocs, int maxThreads, int runqCapacity,
                         PanicPolicy panicPolicy, PrintStream panicOutput, Clock clock, Tunables tunables) {
        public Config {
            if (tunables == null) throw new IllegalArgumentException("gort: tunables must not be null");
            if (name == null || name.isBlank()) throw new IllegalArgumentException("gort: runtime name must not be empty");
            checkGomaxprocs(gomaxprocs);
            if (maxThreads < 1 || maxThreads > 1_000_000) {
                throw new IllegalArgumentException("gort: maxThreads must be between 1 and 1000000, got " + maxThreads);
            }
            if (runqCapacity < 2 || runqCapacity > (1 << 16) || Integer.bitCount(runqCapacity) != 1) {
                throw new IllegalArgumentException("gort: run queue capacity must be a power of two in [2, 65536], got " + runqCapacity);
            }
            if (panicPolicy == null) throw new IllegalArgumentException("gort: panicPolicy must not be null");
            if (panicOutput == null) throw new IllegalArgumentException("gort: panicOutput must not be null");
            if (clock == null) throw new IllegalArgumentException("gort: clock must not be null");
        }
    }

    /** The runtime clock (ns); one source so that sysmon and timers can run on synthetic time. */
    @FunctionalInterface
    public interface Clock {
        long nanotime();

        Clock SYSTEM = System::nanoTime;
    }

    /**
     * Debug-check mode (-Dgort.debugchecks=true, on in tests): runtime code inside goroutines
     * verifies that it did not move to another carrier while it used its P.
     */
    static final boolean DEBUG_CHECKS = Boolean.getBoolean("gort.debugchecks");

    static void checkGomaxprocs(int n) {
        if (n < 1 || n > MAX_GOMAXPROCS) {
            throw new IllegalArgumentException("gort: GOMAXPROCS must be between 1 and " + MAX_GOMAXPROCS + ", got " + n);
        }
    }

    final Config config;
    final Clock clock;
    final Tunables tunables;
    /** Go: sched.lock. Take it with {@link #lockSched()}, never {@code lock.lock()} directly. */
    final ReentrantLock lock = new ReentrantLock();

    /**
     * Acquires sched.lock. A platform thread (an M, sysmon, a user thread) may park for it; a
     * virtual thread (a goroutine in runtime code) spins on tryLock and never joins the lock's
     * queue: a parked goroutine chosen as the lock's next owner would need an M to run, and
     * every M might be waiting for the same lock. Go: lock(&sched.lock), which blocks the M.
     */
    void lockSched() {
        if (Thread.currentThread().isVirtual()) {
            // Never join the lock's queue, and never yield: goroutine code that takes this lock
            // is using its M and P (exitsyscall, ready) and must not move to another carrier
            // midway (docs/DESIGN.md §7). The critical sections are short.
            while (!lock.tryLock()) Thread.onSpinWait();
        } else {
            lock.lock();
        }
    }
    /** Serialises stop-the-world. Go: worldsema. */
    final ReentrantLock worldsema = new ReentrantLock();
    /** Numbers coprime to gomaxprocs, for random steal order. Go: stealOrder. */
    volatile int[] stealCoprimes = {1};

    // ---- global run queue (sched lock held) ----
    // Two FIFO lists: wake-ups (Gs made runnable from outside, overflow from local queues,
    // Gs of destroyed Ps) and yields (gosched, preemption). globrunqget serves wake-ups first,
    // yields when there are none or on the fairness tick. Go has one list, but its wake-ups
    // mostly go to the waker's runnext and jump the queue anyway; gort's wake-ups from JDK
    // threads cannot reach a P's runnext, so they get the front of the global queue instead.
    private final GQueue runq = new GQueue();
    private final GQueue yields = new GQueue();
    /** Read without the lock as a hint. Go: sched.runqsize (both lists). */
    volatile int runqsize;

    // ---- idle Ms and M accounting (sched lock held) ----
    private M midle;
    /** Idle Ms waiting for work. Go: sched.nmidle. */
    volatile int nmidle;
    /** Ms that are system threads (sysmon), not counted by checkdead. Go: sched.nmsys. */
    int nmsys;
    /** Go: sched.nmidlelocked; here only retake's bracket uses it (gort has no locked Ms). */
    int nmidlelocked;
    /**
     * A startm found no idle M and could not create one (the thread cap, a fatal error): the
     * next M to stop takes an idle P instead of sleeping, so that work queued after its own
     * last look (the goroutines that must unwind as the runtime goes down) still runs. Go
     * has no such case: there thread exhaustion kills the process. Sched lock.
     */
    boolean startmFailed;
    /** Number of M ids handed out; the next id. Go: sched.mnext. */
    long mnext;
    /** Ms that have exited. Go: sched.nmfreed. */
    long nmfreed;
    /** Every M that has started and not exited. Go: allm. */
    final List<M> allm = new ArrayList<>();

    // ---- idle Ps (sched lock held) ----
    private P pidle;
    /** Go: sched.npidle (atomic). */
    final AtomicInteger npidle = new AtomicInteger();
    /** Ms spinning in findrunnable. Go: sched.nmspinning. */
    final AtomicInteger nmspinning = new AtomicInteger();

    /** Every P, index = id; replaced (never mutated) by procresize. Go: allp. */
    volatile P[] allp = new P[0];
    /** Go: gomaxprocs. */
    volatile int gomaxprocs;

    // ---- goroutines ----
    /** Every live goroutine. Go: allgs. */
    final AllGs allgs = new AllGs();
    final AtomicLong goidgen = new AtomicLong();
    final AtomicInteger ngoroutines = new AtomicInteger();
    /**
     * Live system goroutines (the forcegc helper, the paced scavenger): not in ngoroutines, but
     * the runtime waits for them to return before it ends, so that none is left parked.
     */
    final AtomicInteger nsystem = new AtomicInteger();
    /** Every user goroutine has ended after shutdown: system goroutines return, none starts. */
    volatile boolean stopSystem;

    // ---- stop the world (sched lock held) ----
    /** A stop-the-world is in progress; Ms give up their Ps. Go: sched.gcwaiting. */
    volatile boolean gcwaiting;
    /** Ps still to stop. Go: sched.stopwait. */
    int stopwait;
    /** Woken when stopwait reaches 0. Go: sched.stopnote. */
    final java.util.concurrent.locks.Condition stopnote = lock.newCondition();

    // ---- sysmon ----
    Sysmon sysmon;
    /** Caches of destroyed Ps, for sysmon to flush into the heap. */
    final java.util.concurrent.ConcurrentLinkedQueue<dev.gort.runtime.mem.MCache> orphanedCaches = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** sysmon's scavenges and the bytes they returned to the OS (schedtrace). */
    volatile long nscavenge, scavengedBytes;
    /** The paced background scavenger, if this runtime runs it (an option). Go: bgscavenge. */
    volatile BgScavenger bgscavenger;
    /** sysmon's forced collection. Go: forcegc. */
    final ForceGC forcegc;
    /** sysmon is in its deep sleep. Go: sched.sysmonwait. */
    volatile boolean sysmonwait;
    /** Go: sched.sysmonnote. */
    final Note sysmonnote = new Note();
    /** Held by sysmon for the rest of a round. Go: sched.sysmonlock. */
    final ReentrantLock sysmonlock = new ReentrantLock();
    /** schedtrace's clock start (first call prints SCHED 0ms). */
    long traceStart;
    volatile long sysmonRounds;
    /** sysmon rounds whose sleep stalled (GC pause): time forgiven to goroutines. */
    volatile long nstalls;
    /** sysmon's clock at its last round; see approxNow. */
    volatile long coarseNow;
    /** The public runtime object that owns this scheduler (for Gort's static methods). */
    public volatile Object owner;

    /**
     * The time, to within one sysmon round (at most 10 ms; exact when sysmon does not run or
     * sleeps deeply). For wait times, which Go also keeps only approximately.
     */
    long approxNow() {
        long t = coarseNow;
        return t != 0 && !sysmonwait ? t : clock.nanotime();
    }
    volatile long nsysmonsleep;
    final AtomicLong npreemptreq = new AtomicLong();
    final AtomicLong nsyscallretake = new AtomicLong();
    final AtomicLong nblockedhandoff = new AtomicLong();
    final AtomicLong nrunawayhandoff = new AtomicLong();
    final AtomicLong nhandofflimited = new AtomicLong();
    final AtomicLong nexitsyscallslow = new AtomicLong();
    /** Ms whose goroutine runs on after sysmon took their P. */
    final AtomicInteger nmlost = new AtomicInteger();

    /** Go: incidlelocked. Checks for deadlock when the count goes up. */
    void incidlelocked(int v) {
        boolean dead;
        lockSched();
        try {
            nmidlelocked += v;
            dead = v > 0 && Checkdead.check(this);
        } finally {
            lock.unlock();
        }
        if (dead) Checkdead.report(this);
    }

    // ---- netpoll ----
    /** The network poller, created on first use (Netpoll.of). Go: netpollinited. */
    volatile Netpoll netpoll;

    // ---- timers ----
    /** The M sleeping until the next timer (one at most), and until when. */
    volatile M timerSleeper;
    volatile long timerSleepUntil;
    final AtomicLong timerRR = new AtomicLong();
    final AtomicLong ntimerfired = new AtomicLong();
    volatile long nsysmontimerstart;

    // ---- lifecycle ----
    static final int RUNNING = 0, CLOSING = 1, TERMINATED = 2;
    volatile int state = RUNNING;
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Pending run(main) futures, failed together on a crash. */
    final Set<CompletableFuture<?>> runs = ConcurrentHashMap.newKeySet();
    /** The panic or fatal error that ended the runtime, if any (set once, by CAS). */
    volatile RuntimeException failure;
    private static final java.lang.invoke.VarHandle FAILURE;

    static {
        try {
            FAILURE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Sched.class, "failure", RuntimeException.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Malloc.init(); // the span heap finds a goroutine's P cache
    }

    // ---- counters (advisory) ----
    final AtomicLong ngosched = new AtomicLong();
    final AtomicLong npreempt = new AtomicLong();
    final AtomicLong nstw = new AtomicLong();
    final AtomicLong nadopted = new AtomicLong();
    /** Rounds in which sysmon fired the overdue timers of a busy P. Sysmon only. */
    long nsysmontimerrun;
    /** Goroutines reported for ignoring preemption past gort.runawayreport. Sysmon only. */
    volatile long nrunaways;
    /** Schedules the virtual threads of {@link dev.gort.Goroutines}' builders. */
    final Spawner spawner = new Spawner(this);
    final AtomicLong nstaleentries = new AtomicLong();

    public Sched(Config config) {
        JdkHooks.check();
        JdkHooks.initJdkThreads();
        this.config = config;
        this.clock = config.clock();
        this.tunables = config.tunables();
        this.forcegc = new ForceGC(this, tunables.forcegcPeriodNs(), ForceGC::jvmCollections, tunables.forcegcAction(),
                tunables.traceOutput());
        // Go: schedinit → procresize(procs).
        lockSched();
        try {
            Procresize.procresize(this, config.gomaxprocs());
        } finally {
            lock.unlock();
        }
        // Go: runtime.main → newm(sysmon, nil, -1).
        if (tunables.sysmon()) Sysmon.start(this);
    }

    // ------------------------------------------------------------------------------------
    // Global run queue. Go: proc.go globrunqput, globrunqputhead, globrunqputbatch, globrunqget.

    /** Puts gp at the tail of the global queue. Sched lock held. Go: globrunqput. */
    void globrunqput(G gp) {
        runq.pushBack(gp);
        runqsize++;
    }

    /** Puts a G that yielded (gosched, preemption) at the tail of the yield list. Sched lock held. Go: goschedImpl's globrunqput. */
    void globrunqputyield(G gp) {
        yields.pushBack(gp);
        runqsize++;
    }

    /** Puts gp at the head of the global queue. Sched lock held. Go: globrunqputhead. */
    void globrunqputhead(G gp) {
        runq.pushFront(gp);
        runqsize++;
    }

    /** Puts a linked batch at the tail. Sched lock held. Go: globrunqputbatch. */
    void globrunqputbatch(G first) {
        if (first != null) runqsize += runq.pushBackAll(first);
    }

    /**
     * Takes a batch from the global queue: returns one G and moves the rest to pp's local queue.
     * Wake-ups come before yields unless yieldsFirst (the fairness tick). Sched lock held; pp
     * owned by the caller. Go: globrunqget.
     */
    G globrunqget(P pp, int max) {
        return globrunqget(pp, max, false);
    }

    G globrunqget(P pp, int max, boolean yieldsFirst) {
        int size = runqsize;
        if (size == 0) return null;
        int n = Math.min(size, size / gomaxprocs + 1);
        if (max > 0 && n > max) n = max;
        if (n > pp.runq.capacity() / 2) n = pp.runq.capacity() / 2;
        runqsize = size - n;
        G gp = runqpop(yieldsFirst);
        n--;
        for (; n > 0; n--) {
            G g1 = runqpop(yieldsFirst);
            G overflow = pp.runq.put(g1, false);
            if (overflow != null) globrunqputbatch(overflow); // cannot happen: at most half is taken
        }
        return gp;
    }

    /** Takes the first wake-up (not a yield) from the global queue, or null. Sched lock held. */
    G globrunqgetwakeup() {
        if (runq.isEmpty()) return null;
        runqsize--;
        return runq.pop();
    }

    /** Whether a wake-up (not a yield) waits in the global queue; a hint, without the lock. */
    boolean hasWakeups() {
        return !runq.isEmpty();
    }

    private G runqpop(boolean yieldsFirst) {
        if (yieldsFirst ? yields.isEmpty() : !runq.isEmpty()) return runq.pop();
        return yields.pop();
    }

    // ------------------------------------------------------------------------------------
    // Idle P and M lists. Go: proc.go pidleput, pidleget, mput, mget.

    /** Puts pp on the idle list. Sched lock held. Go: pidleput. */
    void pidleput(P pp) {
        if (!pp.runq.isEmpty()) {
            throw new IllegalStateException("pidleput: P has non-empty run queue");
        }
        pp.status = P._Pidle;
        pp.link = pidle;
        pidle = pp;
        npidle.incrementAndGet();
    }

    /** Takes a P from the idle list, or null. Sched lock held. Go: pidleget. */
    P pidleget() {
        P pp = pidle;
        if (pp != null) {
            pidle = pp.link;
            pp.link = null;
            npidle.decrementAndGet();
        }
        return pp;
    }

    /** Puts mp on the idle M list. Sched lock held. Go: mput. */
    void mput(M mp) {
        mp.schedlink = midle;
        midle = mp;
        nmidle++;
    }

    /** Takes an idle M, or null. Sched lock held. Go: mget. */
    M mget() {
        M mp = midle;
        if (mp != null) {
            midle = mp.schedlink;
            mp.schedlink = null;
            nmidle--;
        }
        return mp;
    }

    /** Ms that exist now (started and not exited). Go: mcount. */
    int mcount() {
        return (int) (mnext - nmfreed);
    }

    /**
     * Reserves an M id, failing clearly past maxThreads. Sched lock held.
     * Go: mReserveID + checkmcount ("thread exhaustion").
     */
    long mReserveID() {
        if (mcount() >= config.maxThreads()) {
            throw new dev.gort.ThreadExhaustionException(config.maxThreads());
        }
        return mnext++;
    }

    // ------------------------------------------------------------------------------------
    // Goroutine creation helpers.

    long newGoid() {
        return goidgen.incrementAndGet();
    }

    /** Makes a goroutine of a virtual thread created inside goroutine parent (it inherited parent's G as scheduler). */
    G adopt(G parent, Runnable runContinuation) {
        G gp = new G(this, newGoid(), parent.goid, null, false);
        gp.thread = JdkHooks.threadOfContinuationTask(runContinuation);
        if (gp.thread == null) {
            throw new IllegalStateException("gort: cannot adopt a virtual thread created inside goroutine "
                    + parent.goid + " (unrecognised JDK shape)");
        }
        gp.runContinuation = runContinuation;
        gp.adoptedBy = parent;
        allgs.add(gp);
        ngoroutines.incrementAndGet();
        nadopted.incrementAndGet();
        return gp;
    }

    // ------------------------------------------------------------------------------------
    // Panics and fatal errors.

    /**
     * An uncaught exception ended goroutine gp. Runs on gp itself, before its thread ends.
     * Go: gopanic → fatalpanic (gort's policy decides whether the runtime goes down).
     */
    void gopanic(G gp, Throwable t) {
        // A goroutine unwound by shutdownNow (interrupted in a channel or select) is not a panic.
        if (state != RUNNING && t instanceof dev.gort.GoroutineInterruptedException) return;
        PanicPolicy policy = config.panicPolicy();
        if (policy == PanicPolicy.CRASH && failure != null) return; // already going down: report once
        Panic.printReport(config.panicOutput(), gp, t);
        switch (policy) {
            case REPORT -> { }
            case EXIT -> {
                config.panicOutput().flush();
                Runtime.getRuntime().halt(2);
            }
            case CRASH -> fatal(new GoroutinePanicException(gp.goid, t));
        }
    }

    /** Ends the runtime with an error: every pending run throws it; the runtime shuts down. */
    void fatal(RuntimeException e) {
        if (!FAILURE.compareAndSet(this, null, e)) return;
        for (CompletableFuture<?> f : runs) {
            f.completeExceptionally(e);
        }
        shutdownNow();
    }

    // ------------------------------------------------------------------------------------
    // Lifecycle.

    boolean isShutdown() {
        return state != RUNNING;
    }

    /** The runtime clock, ns. */
    public long nanotime() {
        return clock.nanotime();
    }

    /** 0 running, 1 closing, 2 terminated. */
    public int state() {
        return state;
    }

    /** Stops accepting goroutines; the runtime ends when the last goroutine does. */
    public void shutdown() {
        java.util.List<Thread> wake;
        lockSched();
        try {
            if (state == RUNNING) state = CLOSING;
            wake = drainedLocked();
        } finally {
            lock.unlock();
        }
        wakeSystem(wake);
    }

    /** shutdown(), then interrupts every live goroutine so that blocked ones unwind. */
    public void shutdownNow() {
        shutdown();
        for (G gp : allgs.snapshot()) {
            Thread t = gp.thread;
            if (t != null) t.interrupt();
        }
    }

    /** Called by goexit0 when a goroutine ends. */
    void goroutineEnded() {
        if (ngoroutines.decrementAndGet() == 0 && state == CLOSING) {
            java.util.List<Thread> wake;
            lockSched();
            try {
                wake = drainedLocked();
            } finally {
                lock.unlock();
            }
            wakeSystem(wake);
        }
    }

    /** Called by goexit0 when a system goroutine ends. */
    void systemEnded() {
        if (nsystem.decrementAndGet() == 0 && state == CLOSING) {
            lockSched();
            try {
                drainedLocked();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * After shutdown, once no user goroutine is left: the runtime ends now if no system goroutine
     * is alive either; otherwise system goroutines are told to return (stopSystem) and the ones
     * alive are returned, to be woken outside the lock, and the last to end ends the runtime.
     * Sched lock held.
     */
    private java.util.List<Thread> drainedLocked() {
        if (state != CLOSING || ngoroutines.get() != 0) return java.util.List.of();
        stopSystem = true; // before reading nsystem: a system newproc counts, then reads this
        if (nsystem.get() == 0) {
            terminateLocked();
            return java.util.List.of();
        }
        java.util.List<Thread> wake = new java.util.ArrayList<>();
        for (G gp : allgs.snapshot()) {
            if (gp.system && gp.thread != null) wake.add(gp.thread);
        }
        return wake;
    }

    /** Wakes system goroutines so that they see stopSystem (a spurious unpark is harmless to each). */
    private static void wakeSystem(java.util.List<Thread> threads) {
        for (Thread t : threads) LockSupport.unpark(t);
    }

    /** Every goroutine has ended after shutdown: wake every M so that each exits. Sched lock held. */
    private void terminateLocked() {
        state = TERMINATED;
        sysmonnote.wakeup();
        Netpoll np = netpoll;
        if (np != null) np.netpollBreak(); // the M blocked in it must see TERMINATED
        for (M mp : allm) {
            mp.exiting = true;
            mp.notewakeup();
        }
        if (mcount() == 0) terminatedLocked();
    }

    /** The last M is gone: close the poller and release awaitTermination. Sched lock held. */
    private void terminatedLocked() {
        Netpoll np = netpoll;
        if (np != null) np.shutdown();
        BgScavenger bg = bgscavenger;
        if (bg != null) bg.detach();
        terminated.countDown();
    }

    /** An M has exited. Sched lock held. Go: mexit. */
    void mexited(M mp) {
        allm.remove(mp);
        nmfreed++;
        if (state == TERMINATED && mcount() == 0) terminatedLocked();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    // ------------------------------------------------------------------------------------
    // Introspection (advisory snapshots).

    public int numGoroutine() {
        return ngoroutines.get();
    }

    public int gomaxprocs() {
        return gomaxprocs;
    }

    public String name() {
        return config.name();
    }

    public RuntimeException failure() {
        return failure;
    }

    /** Threads (Ms) of this runtime now alive. */
    public List<Thread> threads() {
        lockSched();
        try {
            return new ArrayList<>(allm);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks the scheduler's invariants and returns what is broken (empty when sound). Meant
     * for a quiescent runtime (tests call it after their goroutines have finished): the idle P
     * list matches npidle, every P is idle or owned by the M that says it holds it, nmspinning
     * is not negative, the global queue's length matches runqsize.
     */
    public List<String> checkInvariants() {
        List<String> bad = new ArrayList<>();
        lockSched();
        try {
            int idle = 0;
            java.util.Set<P> idleSet = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (P pp = pidle; pp != null; pp = pp.link) {
                idle++;
                if (!idleSet.add(pp)) {
                    bad.add("idle P list has a cycle at " + pp);
                    break;
                }
                if (pp.status != P._Pidle) bad.add("idle list holds " + pp);
                if (pp.m != null) bad.add("idle " + pp + " has m " + pp.m.getName());
                if (!pp.runq.isEmpty()) bad.add("idle " + pp + " has queued work");
            }
            if (idle != npidle.get()) bad.add("npidle=" + npidle.get() + " but idle list has " + idle);
            for (P pp : allp) {
                M mp = pp.m;
                if (pp.status == P._Prunning && (mp == null || mp.p != pp)) {
                    bad.add(pp + " running but its m does not hold it: " + mp);
                }
                if (pp.status == P._Pidle && !idleSet.contains(pp) && pp.m == null && gcwaiting) {
                    bad.add(pp + " idle but not on the idle list");
                }
            }
            if (nmspinning.get() < 0) bad.add("nmspinning=" + nmspinning.get());
            int n = runq.size() + yields.size();
            if (n != runqsize) bad.add("global runq has " + n + " but runqsize=" + runqsize);
            int midleCount = 0;
            for (M mp = midle; mp != null && midleCount <= nmidle + 1; mp = mp.schedlink) midleCount++;
            if (midleCount != nmidle) bad.add("idle M list has " + midleCount + " but nmidle=" + nmidle);
            if (mcount() < 0) bad.add("mcount=" + mcount());
        } finally {
            lock.unlock();
        }
        return bad;
    }

    /**
     * Every live goroutine with its state, wait reason and time, and stack, in Go's format:
     * {@code goroutine 7 [chan receive, 2 minutes]:}. Go: tracebackothers.
     */
    public String goroutineDump() {
        StringBuilder sb = new StringBuilder();
        long now = clock.nanotime();
        java.util.List<G> gs = allgs.snapshot();
        gs.sort(java.util.Comparator.comparingLong(g -> g.goid));
        for (G gp : gs) {
            if (gp.system) continue; // Go hides runtime goroutines from tracebacks by default
            sb.append(Panic.header(gp, now)).append('\n');
            Thread t = gp.thread;
            if (t != null) {
                for (StackTraceElement e : t.getStackTrace()) sb.append("\tat ").append(e).append('\n');
            }
            sb.append(gp.parentGoid == 0 ? "created outside gort" : "created by goroutine " + gp.parentGoid).append("\n\n");
        }
        return sb.toString();
    }

    /** A one-line summary in the spirit of Go's SCHED line. */
    public String summary() {
        P[] ps = allp;
        StringBuilder sb = new StringBuilder();
        sb.append("gomaxprocs=").append(gomaxprocs)
                .append(" idleprocs=").append(npidle.get())
                .append(" threads=").append(mcount())
                .append(" spinningthreads=").append(nmspinning.get())
                .append(" idlethreads=").append(nmidle)
                .append(" runqueue=").append(runqsize).append(" [");
        for (int i = 0; i < ps.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(ps[i].runq.size());
        }
        return sb.append(']').toString();
    }

    /** One schedtrace block, as sysmon prints it. */
    public String schedtrace(boolean detail) {
        return Trace.format(this, detail);
    }

    /** Per-P counters: schedtick, executed, stolen. */
    public long[][] perPCounters() {
        P[] ps = allp;
        long[][] r = new long[ps.length][];
        for (int i = 0; i < ps.length; i++) {
            r[i] = new long[]{ps[i].schedtick, ps[i].nexecute, ps[i].nsteal};
        }
        return r;
    }

    public long goschedCount() {
        return ngosched.get();
    }

    public long preemptCount() {
        return npreempt.get();
    }

    public long stopTheWorldCount() {
        return nstw.get();
    }
}
