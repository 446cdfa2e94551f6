package dev.gort.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A P's local run queue: a lock-free ring with one producer (the P's owner) and many
 * consumers (the owner and thieves), plus the runnext slot. Go: proc.go runqput, runqget,
 * runqgrab, runqsteal on p.runq / p.runnext.
 *
 * <p>Memory ordering, as in Go: the owner writes a slot with a plain store, then publishes it
 * with a release store of {@code tail}; consumers read {@code tail} with acquire, read slots,
 * then claim them with a CAS on {@code head}. A slot read by a consumer whose CAS then fails
 * may have been stale; that is why the CAS comes last. The owner never overwrites a slot at or
 * past {@code head}, so a successful CAS claims exactly the slots it read.
 *
 * <p>The capacity is a constructor parameter (a power of two; Go's is 256) so that a model
 * checker can shrink it.
 */
final class RunQueue {
    static final int DEFAULT_CAPACITY = 256;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle RUNNEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(G[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(RunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(RunQueue.class, "tail", int.class);
            RUNNEXT = l.findVarHandle(RunQueue.class, "runnext", G.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final G[] ring;
    private final int mask;
    /** Next slot to consume; CAS by consumers. Go: runqhead. */
    private volatile int head;
    /** Next slot to fill; written by the owner only. Go: runqtail. */
    private volatile int tail;
    /** The G readied by the running G, run next and inheriting its time slice. Go: p.runnext. */
    private volatile G runnext;

    RunQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("run queue capacity must be a power of two >= 2: " + capacity);
        }
        ring = new G[capacity];
        mask = capacity - 1;
    }

    int capacity() {
        return ring.length;
    }

    /**
     * Puts gp on the queue; with next, into runnext, kicking the old runnext to the tail.
     * Returns null, or (when the ring is full) the batch to move to the global queue: half the
     * ring plus gp, linked through schedlink, as runqputslow does. Owner only.
     * Go: runqput / runqputslow (the global put is the caller's).
     */
    G put(G gp, boolean next) {
        if (next) {
            G old;
            do {
                old = runnext;
            } while (!RUNNEXT.compareAndSet(this, old, gp));
            if (old == null) return null;
            gp = old; // kick the old runnext out to the regular run queue
        }
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = tail;
            if (t - h < ring.length) {
                SLOT.setRelease(ring, t & mask, gp);
                TAIL.setRelease(this, t + 1);
                return null;
            }
            G batch = putSlow(gp, h, t);
            if (batch != null) return batch;
            // the queue is not full any more: retry the fast path
        }
    }

    /** Moves half the ring plus gp into a linked batch. Owner only. Go: runqputslow. */
    private G putSlow(G gp, int h, int t) {
        int n = (t - h) / 2;
        if (n != ring.length / 2) {
            throw new IllegalStateException("runqputslow: queue is not full");
        }
        G[] batch = new G[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = (G) SLOT.getAcquire(ring, (h + i) & mask);
        }
        if (!HEAD.compareAndSet(this, h, h + n)) {
            return null; // consumers took some: retry
        }
        for (int i = 0; i < n; i++) {
            SLOT.setRelease(ring, (h + i) & mask, null); // do not keep finished Gs reachable
        }
        batch[n] = gp;
        for (int i = 0; i < n; i++) {
            batch[i].schedlink = batch[i + 1];
        }
        batch[n].schedlink = null;
        return batch[0];
    }

    /**
     * Takes a G, runnext first. Owner only. Go: runqget.
     * @return the G or null; {@code inheritTime[0]} tells whether it came from runnext.
     */
    G get(boolean[] inheritTime) {
        G next = runnext;
        // A thief may take runnext, so CAS; only the owner puts a non-null value there.
        if (next != null && RUNNEXT.compareAndSet(this, next, null)) {
            inheritTime[0] = true;
            return next;
        }
        inheritTime[0] = false;
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = tail;
            if (t == h) return null;
            G gp = (G) SLOT.getAcquire(ring, h & mask);
            if (HEAD.compareAndSet(this, h, h + 1)) {
                // The slot is ours now; clear it so the ring does not keep the G reachable
                // after it ends (Go's ring holds guintptrs, which the GC does not trace). Only
                // the owner writes slots, and it is the owner running here.
                SLOT.setRelease(ring, h & mask, null);
                return gp;
            }
        }
    }

    /**
     * Grabs half of this queue (rounded up) into {@code batch} starting at {@code batchHead}.
     * With stealRunNext and an empty ring, takes runnext instead. Any thread.
     * Go: runqgrab.
     */
    int grab(G[] batch, int batchHead, boolean stealRunNext, boolean ownerRunning) {
        int bmask = batch.length - 1;
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunNext) {
                    G next = runnext;
                    if (next != null) {
                        if (ownerRunning) {
                            // The owner is running and is likely to run runnext soon (it was
                            // readied by the running G, which is about to block). Back off
                            // briefly; Go sleeps 3 us here. A timed park would oversleep by the
                            // kernel's timer slack (about 50 us), so spin instead.
                            spinWaitNanos(3_000);
                        }
                        if (!RUNNEXT.compareAndSet(this, next, null)) continue;
                        batch[batchHead & bmask] = next;
                        return 1;
                    }
                }
                return 0;
            }
            if (n > ring.length / 2) {
                continue; // read inconsistent h and t
            }
            for (int i = 0; i < n; i++) {
                batch[(batchHead + i) & bmask] = (G) SLOT.getAcquire(ring, (h + i) & mask);
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                // Clear the stolen slots unless the owner has already reused them.
                for (int i = 0; i < n; i++) {
                    SLOT.compareAndSet(ring, (h + i) & mask, batch[(batchHead + i) & bmask], null);
                }
                return n;
            }
        }
    }

    /**
     * Steals half of victim's queue into this one and returns one of the stolen Gs, or null.
     * Owner of this queue only. Go: runqsteal.
     */
    G steal(RunQueue victim, boolean stealRunNext, boolean victimRunning) {
        int t = tail;
        int n = victim.grab(ring, t, stealRunNext, victimRunning);
        if (n == 0) return null;
        n--;
        G gp = (G) SLOT.getAcquire(ring, (t + n) & mask);
        SLOT.setRelease(ring, (t + n) & mask, null); // past our tail: unpublished, ours to clear
        if (n == 0) return gp;
        int h = (int) HEAD.getAcquire(this);
        if (t - h + n >= ring.length) {
            throw new IllegalStateException("runqsteal: runq overflow");
        }
        TAIL.setRelease(this, t + n);
        return gp;
    }

    /**
     * Empties the queue (runnext first) into a linked list, for procresize. Owner only, with
     * the world stopped. Go: procresize's loop over runqget.
     */
    G drain() {
        G first = null, last = null;
        boolean[] inherit = new boolean[1];
        for (G gp; (gp = get(inherit)) != null; ) {
            gp.schedlink = null;
            if (last == null) first = gp; else last.schedlink = gp;
            last = gp;
        }
        return first;
    }

    /** Whether the queue (with runnext) is empty; any thread. Go: runqempty. */
    boolean isEmpty() {
        // Go re-reads head, tail and runnext until tail is stable, because runqput may move
        // runnext to the ring between the reads.
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            G next = runnext;
            if ((int) TAIL.getAcquire(this) == t) {
                return h == t && next == null;
            }
        }
    }

    /** Ring length (tail - head), not counting runnext: what schedtrace prints. */
    int size() {
        int n = (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this);
        return Math.max(0, Math.min(n, ring.length));
    }

    boolean hasRunnext() {
        return runnext != null;
    }

    static void spinWaitNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
