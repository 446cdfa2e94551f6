package dev.gort.runtime.mem;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The central free list of one size class: spans of that class with free objects, and full
 * ones. Caches take objects from it in batches and give them back in batches; a span whose
 * objects have all come back is returned to the heap. Go: mcentral.go (cacheSpan, uncacheSpan,
 * freeSpan, grow).
 *
 * <p>Differs: Go's mcache takes a whole span from mcentral and its GC sweeps freed objects back
 * into the span's bitmap; gort has no collector for these buffers, so objects move one batch at
 * a time, tcmalloc-style, and return to their span here. Locking: {@link #lock} guards the lists,
 * the spans' object bitmaps and the counters; it may be held while taking the heap lock (order:
 * cache ownership, then central, then heap).
 */
final class MCentral {
    final MHeap heap;
    final int sizeclass;
    final int npages;
    final ReentrantLock lock = new ReentrantLock();
    /** Spans with at least one free object. Go: mcentral.nonempty (≤1.13) / partial. */
    final MSpanList partial = new MSpanList();
    /** Spans with none. Go: mcentral.empty (≤1.13) / full. */
    final MSpanList full = new MSpanList();
    /** Objects allocated and freed here directly, without a cache (lock held). */
    long mallocs, frees;

    MCentral(MHeap heap, int sizeclass) {
        this.heap = heap;
        this.sizeclass = sizeclass;
        this.npages = SizeClasses.classToNpages(sizeclass);
    }

    /**
     * Fills {@code dst[off..off+max)} with free objects, growing from the heap as needed; returns
     * {@code max}. Go: mcentral.cacheSpan (+ grow). Any thread; takes the lock.
     */
    int cacheObjects(long[] dst, int off, int max) {
        lock.lock();
        try {
            return takeLocked(dst, off, max);
        } finally {
            lock.unlock();
        }
    }

    private int takeLocked(long[] dst, int off, int max) {
        int n = 0;
        while (n < max) {
            MSpan s = partial.first;
            if (s == null) {
                s = grow();
                partial.insert(s);
            }
            n += s.takeFree(dst, off + n, max - n);
            if (s.allocCount == s.nelems) {
                partial.remove(s);
                full.insert(s);
            }
        }
        return n;
    }

    /** A new span for this class from the heap. Lock held. Go: mcentral.grow. */
    private MSpan grow() {
        MSpan s = heap.allocSpan(npages, sizeclass);
        s.initSmall(sizeclass);
        return s;
    }

    /**
     * Returns {@code n} objects from {@code src[off..]} to their spans; a span left with no
     * object out goes back to the heap. Any thread; takes the lock. Go: the sweeper's freeing of
     * objects plus mcentral.freeSpan.
     */
    void releaseObjects(long[] src, int off, int n) {
        lock.lock();
        try {
            for (int k = 0; k < n; k++) releaseLocked(src[off + k]);
        } finally {
            lock.unlock();
        }
    }

    private void releaseLocked(long addr) {
        MSpan s = heap.spanOf(addr);
        int i = s == null || s.state != MSpan.STATE_IN_USE || s.sizeclass != sizeclass ? -1 : s.objIndex(addr);
        if (i < 0 || !s.isAllocated(i)) {
            throw new IllegalStateException("gort mem: 0x" + Long.toHexString(addr) + " is not an allocated object of size class "
                    + sizeclass + " (" + s + ")");
        }
        boolean wasFull = s.allocCount == s.nelems;
        s.putFree(i);
        if (s.allocCount == 0) {
            (wasFull ? full : partial).remove(s);
            heap.freeSpan(s);
        } else if (wasFull) {
            full.remove(s);
            partial.insert(s);
        }
    }

    /** One object without a cache (the cache was busy). Any thread. */
    long mallocOne() {
        lock.lock();
        try {
            long[] one = new long[1];
            takeLocked(one, 0, 1);
            mallocs++;
            return one[0];
        } finally {
            lock.unlock();
        }
    }

    /** Frees one object without a cache. Any thread; throws for an address that is not an allocated object of this class. */
    void freeOne(long addr) {
        lock.lock();
        try {
            releaseLocked(addr);
            frees++;
        } finally {
            lock.unlock();
        }
    }
}
