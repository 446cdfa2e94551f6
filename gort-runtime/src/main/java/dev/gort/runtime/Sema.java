package dev.gort.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A semaphore for sync primitives. Go: sema.go semacquire / semrelease.
 *
 * <p>A release with a waiter hands the permit straight to the first waiter (what the waiter
 * then does with it — compete for a Mutex, own it in starvation mode — is the primitive's
 * business); without one it banks the permit. Acquire with lifo queues at the front (Go's
 * queueLifo: a Mutex waiter that has already waited goes first). The lock is a spin lock
 * (docs/DESIGN.md §10).
 */
public final class Sema extends SpinLock {
    private int count;
    private Waiter head, tail;
    private final WaitReason reason;
    /** A thread outside gort has used it: its waiters may be woken from outside. */
    private volatile boolean usedOutside;

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean released;
        Waiter next;
    }

    public Sema(WaitReason reason) {
        this.reason = reason;
    }

    /** Marks the primitive as used from outside gort if the caller is not a goroutine. */
    public void noteCaller() {
        if (!usedOutside && !Proc.inGoroutine()) usedOutside = true;
    }

    /** Go: semacquire1. Uninterruptible, as Go's; a shutdownNow interrupt is kept for later. */
    public void acquire(boolean lifo) {
        noteCaller();
        lock();
        if (count > 0) {
            count--;
            unlock();
            return;
        }
        Waiter w = new Waiter();
        if (lifo) {
            w.next = head;
            head = w;
            if (tail == null) tail = w;
        } else {
            if (tail != null) tail.next = w; else head = w;
            tail = w;
        }
        boolean external = usedOutside;
        unlock();
        Proc.setParkingReason(reason, external);
        boolean interrupted = false;
        try {
            while (!w.released) {
                LockSupport.park(this);
                if (Thread.interrupted()) interrupted = true;
            }
        } finally {
            Proc.setParkingReason(null);
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Go: semrelease1. */
    public void release() {
        noteCaller();
        lock();
        Waiter w = head;
        if (w == null) {
            count++;
            unlock();
            return;
        }
        head = w.next;
        if (head == null) tail = null;
        unlock();
        w.released = true;
        LockSupport.unpark(w.thread);
    }
}
