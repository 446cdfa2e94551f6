package dev.gort.runtime;

import dev.gort.runtime.mem.MHeap;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The paced background scavenger, an option (off by default). Go: mgcscavenge.go, bgscavenge
 * (1.13–1.16).
 *
 * <p>Go 1.13 replaced sysmon's scavenge (spans idle for 5 minutes) with a goroutine that keeps
 * the heap's retained memory ({@code HeapSys - HeapReleased}) near a goal, 10% above what is in
 * use ({@code retainExtraPercent}), and paces itself to about 1% of one CPU
 * ({@code scavengePercent}): it times each release ({@code crit}) and then sleeps
 * {@code crit × 99}. When it has nothing to do it parks; Go wakes it after each GC, gort when a
 * span goes back to the heap's free lists (the heap's {@code onSpanFreed} hook). sysmon's own
 * scavenge keeps running beside it.
 *
 * <p>The span heap is the process's, so one runtime's scavenger serves it: the first runtime with
 * the option starts it (from sysmon, once the heap exists: sysmon never maps it), and another
 * runtime takes over when that one has terminated. It is a system goroutine: not counted, not in
 * checkdead or dumps. Releases go by whole free spans, oldest first ({@code releaseOldest}), at
 * least one 64 KiB quantum at a time (Go 1.19's unit); a large span makes a long release and then
 * a proportionally long sleep, so the pace holds on average.
 */
final class BgScavenger {
    /** Go: retainExtraPercent. */
    static final int RETAIN_EXTRA_PERCENT = 10;
    /** Go: scavengePercent (of one CPU). */
    static final int SCAVENGE_PERCENT = 1;
    /** Go 1.19: the quantum of scavenge work. */
    static final long QUANTUM = 64 << 10;
    static final long PAGE = 8 << 10;

    /** The runtime whose scavenger serves the default heap, if any. */
    private static final AtomicReference<Sched> OWNER = new AtomicReference<>();

    private final Sched sched;
    private final MHeap heap;
    private final AtomicBoolean parked = new AtomicBoolean();
    private volatile Thread thread;
    /** Bytes released, and releases made (schedtrace). */
    volatile long released, nreleases;

    private BgScavenger(Sched sched, MHeap heap) {
        this.sched = sched;
        this.heap = heap;
    }

    /**
     * sysmon, each round: starts the scavenger if the option is on, the heap exists and no live
     * runtime runs one. Go: gcenable → go bgscavenge.
     */
    static void maybeStart(Sched sched) {
        if (!sched.tunables.pacedScavenger() || sched.bgscavenger != null) return;
        MHeap heap = MHeap.defaultHeapIfCreated();
        if (heap == null) return;
        Sched cur = OWNER.get();
        if (cur != null && cur.state != Sched.TERMINATED) return;
        if (!OWNER.compareAndSet(cur, sched)) return;
        BgScavenger s = new BgScavenger(sched, heap);
        sched.bgscavenger = s;
        heap.setOnSpanFreed(s::wake);
        try {
            G gp = Proc.newproc(sched, s::bgscavenge, false, true);
            s.thread = gp.thread;
        } catch (IllegalStateException e) { // the runtime has ended meanwhile
            heap.setOnSpanFreed(null);
            OWNER.compareAndSet(sched, null);
        }
    }

    /** The goroutine's loop. Go: bgscavenge. */
    private void bgscavenge() {
        while (sched.state != Sched.TERMINATED && sched.state != Sched.CLOSING) {
            long excess = excess();
            if (excess <= 0) {
                park();
                continue;
            }
            long t0 = System.nanoTime();
            long r = heap.releaseOldest(QUANTUM);
            long crit = System.nanoTime() - t0;
            if (r == 0) {
                park();
                continue;
            }
            released += r;
            nreleases++;
            // Go 1.16: sleep crit / scavengePercent − crit: the release took 1% of the cycle.
            long sleep = crit * (100 / SCAVENGE_PERCENT - 1);
            Proc.sleep(sched, Math.max(sleep, 10_000));
            Thread.interrupted(); // shutdownNow interrupts goroutines; the loop checks the state
        }
        heap.setOnSpanFreed(null);
        OWNER.compareAndSet(sched, null);
    }

    /** Retained memory above the goal (110% of in use, page-rounded), in bytes; <= 0: nothing to do. */
    private long excess() {
        long[] c = heap.pageCounts(); // {HeapSys, HeapInuse, HeapReleased}
        long retained = c[0] - c[2];
        long goal = (c[1] * (100 + RETAIN_EXTRA_PERCENT) / 100 + PAGE - 1) / PAGE * PAGE;
        return retained - goal - PAGE;
    }

    /** Parks until a span is freed (or a runtime shutdown wakes it). Go: the park in bgscavenge. */
    private void park() {
        parked.set(true);
        if (excess() > 0) { // Dekker with wake: a span freed after our check sees parked
            parked.set(false);
            return;
        }
        Proc.setParkingReason(WaitReason.GC_SCAVENGE_WAIT, true);
        try {
            while (parked.get() && sched.state != Sched.TERMINATED && sched.state != Sched.CLOSING) {
                LockSupport.park(this);
                Thread.interrupted();
            }
        } finally {
            Proc.setParkingReason(null);
            parked.set(false);
        }
    }

    /** The scavenger goroutine's virtual thread. */
    Thread thread() {
        return thread;
    }

    /** A span went back to the heap. Any thread; cheap when the scavenger runs. Go: wakeScavenger. */
    void wake() {
        if (parked.get() && parked.compareAndSet(true, false)) {
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
        }
    }

    /**
     * The runtime has terminated: the heap stops waking this scavenger (its goroutine stays parked
     * with the dead runtime, like the forcegc helper), and another runtime may start one.
     */
    void detach() {
        heap.setOnSpanFreed(null);
        OWNER.compareAndSet(sched, null);
    }
}
