package dev.gort.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A one-shot wake-up for one sleeping platform thread, with a timeout. Go: note
 * (notesleep, notetsleep, notewakeup, noteclear). A wakeup before the sleep is not lost.
 */
final class Note {
    private volatile boolean key;
    private volatile Thread sleeper;

    /** Sleeps until woken or until ns pass; returns true if woken. Go: notetsleep. */
    boolean sleep(long ns) {
        sleeper = Thread.currentThread();
        long deadline = System.nanoTime() + ns;
        try {
            while (!key) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                LockSupport.parkNanos(this, left);
            }
            return true;
        } finally {
            sleeper = null;
        }
    }

    /** Go: notewakeup. */
    void wakeup() {
        key = true;
        Thread t = sleeper;
        if (t != null) LockSupport.unpark(t);
    }

    /** Go: noteclear. */
    void clear() {
        key = false;
    }
}
