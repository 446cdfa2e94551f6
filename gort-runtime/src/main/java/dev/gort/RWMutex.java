package dev.gort;

import dev.gort.runtime.Proc;
import dev.gort.runtime.Sema;
import dev.gort.runtime.WaitReason;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reader/writer lock with Go's algorithm (sync/rwmutex.go): any number of readers or one
 * writer; a waiting writer keeps new readers out, so writers are not starved. Misuse
 * (RUnlock or Unlock of an unlocked RWMutex) throws IllegalStateException with Go's message.
 */
public final class RWMutex implements Locker {
    private static final int MAX_READERS = 1 << 30; // Go: rwmutexMaxReaders

    private final Mutex w = new Mutex();
    private final Sema writerSem = new Sema(WaitReason.SYNC_RWMUTEX_LOCK);
    private final Sema readerSem = new Sema(WaitReason.SYNC_RWMUTEX_RLOCK);
    private final AtomicInteger readerCount = new AtomicInteger(); // pending readers (negative: a writer is pending)
    private final AtomicInteger readerWait = new AtomicInteger();  // departing readers the writer waits for

    public void rlock() {
        Proc.checkpoint();
        if (readerCount.incrementAndGet() < 0) {
            readerSem.acquire(false); // a writer is pending, wait for it
        }
    }

    public void runlock() {
        int r = readerCount.decrementAndGet();
        if (r < 0) {
            if (r + 1 == 0 || r + 1 == -MAX_READERS) {
                readerCount.incrementAndGet();
                throw new IllegalStateException("sync: RUnlock of unlocked RWMutex");
            }
            // A writer is pending: the last departing reader releases it.
            if (readerWait.decrementAndGet() == 0) writerSem.release();
        }
    }

    @Override
    public void lock() {
        Proc.checkpoint();
        w.lock(); // resolve competition with other writers
        // Announce to readers there is a pending writer.
        int r = readerCount.addAndGet(-MAX_READERS) + MAX_READERS;
        // Wait for active readers.
        if (r != 0 && readerWait.addAndGet(r) != 0) writerSem.acquire(false);
    }

    @Override
    public void unlock() {
        int r = readerCount.get();
        if (r >= 0) throw new IllegalStateException("sync: Unlock of unlocked RWMutex");
        r = readerCount.addAndGet(MAX_READERS);
        for (int i = 0; i < r; i++) readerSem.release(); // unblock blocked readers
        w.unlock();
    }

    /** A Locker whose lock/unlock are rlock/runlock. Go: RLocker. */
    public Locker rlocker() {
        return new Locker() {
            @Override
            public void lock() {
                rlock();
            }

            @Override
            public void unlock() {
                runlock();
            }
        };
    }
}
