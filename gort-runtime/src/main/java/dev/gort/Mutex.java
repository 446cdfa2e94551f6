package dev.gort;

import dev.gort.runtime.Proc;
import dev.gort.runtime.Sema;
import dev.gort.runtime.WaitReason;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mutual exclusion lock with Go's algorithm and its starvation mode (sync/mutex.go).
 *
 * <p>Normal mode: waiters queue FIFO, but a woken waiter competes with goroutines that are just
 * arriving (and have the CPU), which usually win: good throughput. If a waiter fails to get the
 * lock for more than 1 ms, the mutex switches to starvation mode: unlock hands ownership
 * straight to the waiter at the front, and newcomers queue at the tail without trying. It
 * switches back when a waiter gets the lock and is the last one or waited under 1 ms. So no
 * waiter waits more than about 1 ms behind newcomers. Unlocking an unlocked mutex throws
 * {@code IllegalStateException("sync: unlock of unlocked mutex")} and leaves it as it was.
 * Not reentrant; any goroutine or thread may unlock it (as in Go).
 */
public final class Mutex implements Locker {
    private static final int LOCKED = 1, WOKEN = 2, STARVING = 4, WAITER_SHIFT = 3;
    private static final long STARVATION_THRESHOLD_NS = 1_000_000; // Go: starvationThresholdNs = 1e6

    private final AtomicInteger state = new AtomicInteger();
    private final Sema sema = new Sema(WaitReason.SYNC_MUTEX_LOCK);

    @Override
    public void lock() {
        Proc.checkpoint();
        if (state.compareAndSet(0, LOCKED)) return; // fast path
        lockSlow();
    }

    /** Locks if that can be done now. Go: TryLock. */
    public boolean tryLock() {
        int old = state.get();
        if ((old & (LOCKED | STARVING)) != 0) return false;
        return state.compareAndSet(old, old | LOCKED);
    }

    private void lockSlow() {
        long waitStartTime = 0;
        boolean starving = false, awoke = false;
        int iter = 0;
        int old = state.get();
        for (;;) {
            // Don't spin in starvation mode, ownership is handed off to waiters.
            if ((old & (LOCKED | STARVING)) == LOCKED && canSpin(iter)) {
                // Try to set the woken flag to tell Unlock not to wake other blocked goroutines.
                if (!awoke && (old & WOKEN) == 0 && (old >>> WAITER_SHIFT) != 0 && state.compareAndSet(old, old | WOKEN)) {
                    awoke = true;
                }
                for (int i = 0; i < 30; i++) Thread.onSpinWait(); // Go: procyield(active_spin_cnt)
                iter++;
                old = state.get();
                continue;
            }
            int next = old;
            if ((old & STARVING) == 0) next |= LOCKED;               // don't try to acquire a starving mutex
            if ((old & (LOCKED | STARVING)) != 0) next += 1 << WAITER_SHIFT;
            if (starving && (old & LOCKED) != 0) next |= STARVING;  // switch to starvation mode
            if (awoke) next &= ~WOKEN;
            if (state.compareAndSet(old, next)) {
                if ((old & (LOCKED | STARVING)) == 0) break; // locked with CAS
                boolean queueLifo = waitStartTime != 0;       // waited before: to the front
                if (waitStartTime == 0) waitStartTime = System.nanoTime();
                sema.acquire(queueLifo);
                starving = starving || System.nanoTime() - waitStartTime > STARVATION_THRESHOLD_NS;
                old = state.get();
                if ((old & STARVING) != 0) {
                    // Ownership was handed off to us: fix the state and take it.
                    int delta = LOCKED - (1 << WAITER_SHIFT);
                    if (!starving || (old >>> WAITER_SHIFT) == 1) delta -= STARVING; // exit starvation mode
                    state.addAndGet(delta);
                    break;
                }
                awoke = true;
                iter = 0;
            } else {
                old = state.get();
            }
        }
    }

    /** Go: runtime_canSpin — a few rounds, only on a multicore machine. */
    private static boolean canSpin(int iter) {
        return iter < 4 && Runtime.getRuntime().availableProcessors() > 1;
    }

    @Override
    public void unlock() {
        int next = state.addAndGet(-LOCKED);
        if (next != 0) unlockSlow(next);
    }

    private void unlockSlow(int next) {
        if (((next + LOCKED) & LOCKED) == 0) {
            state.addAndGet(LOCKED); // undo: it stays as it was
            throw new IllegalStateException("sync: unlock of unlocked mutex");
        }
        if ((next & STARVING) == 0) {
            int old = next;
            for (;;) {
                // Nobody to wake, or someone already woken/locked it: done.
                if ((old >>> WAITER_SHIFT) == 0 || (old & (LOCKED | WOKEN | STARVING)) != 0) return;
                int n = (old - (1 << WAITER_SHIFT)) | WOKEN;
                if (state.compareAndSet(old, n)) {
                    sema.release();
                    return;
                }
                old = state.get();
            }
        } else {
            // Starving: hand ownership to the next waiter (it sees STARVING and takes the lock).
            sema.release();
        }
    }

    @Override
    public String toString() {
        int s = state.get();
        return "Mutex[" + ((s & LOCKED) != 0 ? "locked" : "unlocked") + ((s & STARVING) != 0 ? ",starving" : "")
                + " waiters=" + (s >>> WAITER_SHIFT) + "]";
    }
}
