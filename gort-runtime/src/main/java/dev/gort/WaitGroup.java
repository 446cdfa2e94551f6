package dev.gort;

import dev.gort.runtime.Proc;
import dev.gort.runtime.WaitReason;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a collection of goroutines to finish, as Go's sync.WaitGroup: {@link #add} the
 * number to wait for, each calls {@link #done}, and {@link #await} blocks until the counter is
 * zero. A goroutine that waits parks through gort's scheduler (its P runs other goroutines);
 * a platform thread blocks. Every call is a preemption checkpoint.
 */
public final class WaitGroup {
    private final AtomicInteger counter = new AtomicInteger();
    /** Waiters of the current round (a Treiber stack); released together when the counter hits 0. */
    private final AtomicReference<Waiter> waiters = new AtomicReference<>();
    /**
     * Set once a thread outside gort has used this WaitGroup: it may then release a waiting
     * goroutine, so deadlock detection does not count that wait as dead.
     */
    private volatile boolean usedOutside;

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean released;
        Waiter next;
    }

    /**
     * Adds delta (which may be negative) to the counter. When it reaches zero every waiter is
     * released. A counter that would go negative is a misuse: IllegalStateException, and the
     * counter is left as it was.
     */
    public void add(int delta) {
        Proc.checkpoint();
        if (!usedOutside && !Proc.inGoroutine()) usedOutside = true;
        for (;;) {
            int c = counter.get();
            long v = (long) c + delta;
            if (v < 0) throw new IllegalStateException("sync: negative WaitGroup counter");
            if (v > Integer.MAX_VALUE) throw new IllegalStateException("sync: WaitGroup counter overflow");
            if (counter.compareAndSet(c, (int) v)) {
                if (v == 0 && delta != 0) releaseAll();
                return;
            }
        }
    }

    /** Decrements the counter by one. */
    public void done() {
        add(-1);
    }

    /** The current counter. */
    public int count() {
        return counter.get();
    }

    /** Blocks until the counter is zero. Go: WaitGroup.Wait. */
    public void await() throws InterruptedException {
        Proc.checkpoint();
        if (counter.get() == 0) return;
        Waiter w = new Waiter();
        Waiter head;
        do {
            head = waiters.get();
            w.next = head;
        } while (!waiters.compareAndSet(head, w));
        // Re-check after publishing: a release that ran before our push did not see us.
        if (counter.get() == 0) return;
        Proc.setParkingReason(WaitReason.SYNC_WAITGROUP_WAIT, usedOutside);
        try {
            while (!w.released && counter.get() != 0) {
                LockSupport.park(this);
                if (Thread.interrupted()) throw new InterruptedException();
            }
        } finally {
            Proc.setParkingReason(null);
        }
    }

    private void releaseAll() {
        for (Waiter w = waiters.getAndSet(null); w != null; w = w.next) {
            w.released = true;
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    public String toString() {
        return "WaitGroup[count=" + counter.get() + "]";
    }
}
