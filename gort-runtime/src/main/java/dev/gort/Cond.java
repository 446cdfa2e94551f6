package dev.gort;

import dev.gort.runtime.Proc;
import dev.gort.runtime.WaitReason;

import java.util.concurrent.locks.LockSupport;

/**
 * A condition variable (Go: sync.Cond): {@link #await} atomically unlocks the Locker and parks
 * until {@link #signal} (one waiter, the longest waiting) or {@link #broadcast} (all); it locks
 * the Locker again before returning. As in Go, a waiter is registered before the Locker is
 * unlocked, so a signal between the unlock and the park is not lost.
 */
public final class Cond {
    private final Locker l;
    private final dev.gort.runtime.SpinLock spin = new dev.gort.runtime.SpinLock(); // guards the list (docs/DESIGN.md §10)
    private Waiter head, tail;
    private volatile boolean usedOutside;

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean notified;
        Waiter next;
    }

    public Cond(Locker l) {
        this.l = java.util.Objects.requireNonNull(l, "gort: Cond needs a Locker");
    }

    public Locker locker() {
        return l;
    }

    private void lockList() {
        if (!usedOutside && !Proc.inGoroutine()) usedOutside = true;
        spin.lock();
    }

    /** Go: Cond.Wait. Uninterruptible as Go's; an interrupt is kept for the caller. */
    public void await() {
        Proc.checkpoint();
        Waiter w = new Waiter();
        lockList();
        if (tail != null) tail.next = w; else head = w;
        tail = w;
        spin.unlock();
        l.unlock();
        Proc.setParkingReason(WaitReason.SYNC_COND_WAIT, usedOutside);
        boolean interrupted = false;
        try {
            while (!w.notified) {
                LockSupport.park(this);
                if (Thread.interrupted()) interrupted = true;
            }
        } finally {
            Proc.setParkingReason(null);
            l.lock();
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Wakes the longest-waiting goroutine, if any. Go: Cond.Signal. */
    public void signal() {
        lockList();
        Waiter w = head;
        if (w != null) {
            head = w.next;
            if (head == null) tail = null;
        }
        spin.unlock();
        if (w != null) {
            w.notified = true;
            LockSupport.unpark(w.thread);
        }
    }

    /** Wakes every waiting goroutine. Go: Cond.Broadcast. */
    public void broadcast() {
        lockList();
        Waiter w = head;
        head = tail = null;
        spin.unlock();
        for (; w != null; w = w.next) {
            w.notified = true;
            LockSupport.unpark(w.thread);
        }
    }
}
