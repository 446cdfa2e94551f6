package dev.gort.runtime;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lock of small runtime structures that goroutines and platform threads both take (a
 * channel, a semaphore, a Cond's list, allgs' stripes, a P's timer heap). A waiter never joins a
 * lock queue (docs/DESIGN.md §10): it spins briefly, then yields — a goroutine through gort's
 * scheduler (Thread.yield unmounts it and queues it as a yield), a platform thread to the OS — so
 * that a holder the OS has descheduled gets the CPU back instead of being spun against for
 * milliseconds (seen under load: 42–60% of a channel benchmark's samples in the spin).
 * Never hold one of these across code that uses the current M or P: a goroutine may yield while
 * waiting and resume on another carrier (sched.lock, which such code takes, only spins).
 */
public class SpinLock extends AtomicBoolean {
    private static final int SPINS = 64; // arbitrary: a few hundred ns, longer than a critical section

    public final void lock() {
        if (compareAndSet(false, true)) return;
        lockSlow();
    }

    private void lockSlow() {
        for (int i = 0; ; i++) {
            if (!get() && compareAndSet(false, true)) return;
            if (i < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
                i = 0;
            }
        }
    }

    public final void unlock() {
        set(false);
    }
}
