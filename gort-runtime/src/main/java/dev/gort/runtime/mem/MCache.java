package dev.gort.runtime.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A per-P cache: free small objects by size class, a few free page runs for large buffers, and
 * recycled handle objects of the public layer. Go: mcache.go (one per P, used without locks),
 * with mpagecache.go's per-P page cache.
 *
 * <p><b>Ownership.</b> Go may use an mcache without a lock because only the M holding the P
 * touches it. gort's P can, rarely, be handed to another M while a goroutine still runs on the old
 * one (sysmon's retake of a blocked carrier), so the cache carries a flag: whoever wins
 * {@link #tryOwn()} (one uncontended CAS) may use it until {@link #disown()}; a loser takes the
 * central path instead ({@link MHeap#mallocSmall}...). Every owner-only method below requires the
 * flag. The flag also lets {@link MHeap} read the counters and flush the cache from another
 * thread ({@link MHeap#readMemStats}, {@link MHeap#scavengeAll}).
 *
 * <p><b>Freeing.</b> Freed small objects go to the cache's list for their class and flow back to
 * {@link MCentral} a batch at a time once the list holds two batches (tcmalloc's thread cache).
 * Differs from Go, whose garbage collector frees objects: explicit free is what makes an
 * alloc+free pair cost two array operations here.
 *
 * <p><b>Page cache.</b> Freed large spans of up to {@link #PAGE_CACHE_MAX_RUN} pages stay here,
 * {@link #PAGE_CACHE_PAGES} pages at most, and are handed out again for the same page count
 * without the heap lock. Go's pageCache (64 pages of a chunk, for allocations under 16 pages)
 * serves the same purpose with a bitmap; whole spans are simpler when frees are explicit.
 */
public final class MCache extends MCachePad1 {
    /** Go: pageCachePages (64 pages, 512 KiB). */
    static final int PAGE_CACHE_PAGES = 64;
    /** Go: allocations below pageCachePages/4 use the page cache. */
    static final int PAGE_CACHE_MAX_RUN = 16;
    /** Recycled handles kept (arbitrary: enough for a burst of frees). */
    static final int SPARE_MAX = 128;

    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(MCacheFields.class, "owner", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final MHeap heap;

    /** Free objects per size class, a stack; capacity two batches. Go: mcache.alloc (spans) differs. */
    private final long[][] objs = new long[SizeClasses.NUM_SIZE_CLASSES][];
    private final int[] nobjs = new int[SizeClasses.NUM_SIZE_CLASSES];

    /** Free spans per page count 1..PAGE_CACHE_MAX_RUN. */
    private final MSpan[][] spans = new MSpan[PAGE_CACHE_MAX_RUN + 1][];
    private final int[] nspans = new int[PAGE_CACHE_MAX_RUN + 1];

    private final Object[] spare = new Object[SPARE_MAX];


    MCache(MHeap heap) {
        this.heap = heap;
    }

    public MHeap heap() {
        return heap;
    }

    /** Takes the cache if no one holds it. Any thread. */
    public boolean tryOwn() {
        return OWNER.compareAndSet(this, 0, 1);
    }

    /** Gives the cache back. Owner only. */
    public void disown() {
        OWNER.setRelease(this, 0);
    }

    /** Takes the cache, waiting for its holder (a single operation). Used by the heap's world-wide operations. */
    void ownSpin() {
        for (int i = 0; !tryOwn(); i++) {
            if (i < 100) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    /** An object of size class {@code c}. Owner only. Go: mallocgc's nextFreeFast + mcache.refill. */
    public long nextFree(int c) {
        int n = nobjs[c];
        if (n == 0) n = refill(c);
        long[] a = objs[c];
        nobjs[c] = --n;
        mallocs++;
        return a[n];
    }

    private int refill(int c) {
        long[] a = objs[c];
        if (a == null) objs[c] = a = new long[2 * SizeClasses.batch(c)];
        return heap.central(c).cacheObjects(a, 0, SizeClasses.batch(c));
    }

    /** Frees an object of size class {@code c} into the cache. Owner only; the caller vouches for the address. */
    public void freeSmall(long addr, int c) {
        long[] a = objs[c];
        if (a == null) objs[c] = a = new long[2 * SizeClasses.batch(c)];
        int n = nobjs[c];
        if (n == a.length) n = flush(c, a, n);
        a[n] = addr;
        nobjs[c] = n + 1;
        frees++;
    }

    /** Sends the oldest batch of class {@code c} back to its central list; returns the new count. */
    private int flush(int c, long[] a, int n) {
        int b = SizeClasses.batch(c);
        heap.central(c).releaseObjects(a, 0, b);
        System.arraycopy(a, b, a, 0, n - b);
        return n - b;
    }

    /** A span of {@code npages} for a large buffer. Owner only. Go: mcache.allocLarge (+ pageCache.alloc). */
    public MSpan allocLarge(int npages) {
        MSpan s = null;
        if (npages <= PAGE_CACHE_MAX_RUN) {
            int k = nspans[npages];
            if (k > 0) {
                MSpan[] st = spans[npages];
                s = st[--k];
                st[k] = null;
                nspans[npages] = k;
                cachedPages -= npages;
            }
        }
        if (s == null) s = heap.allocLargeSpan(npages);
        mallocs++;
        return s;
    }

    /** Frees a large buffer's span: kept here if it fits the page cache, else back to the heap. Owner only. */
    public void freeLarge(MSpan s) {
        frees++;
        int np = s.npages;
        if (np <= PAGE_CACHE_MAX_RUN && cachedPages + np <= PAGE_CACHE_PAGES) {
            MSpan[] st = spans[np];
            if (st == null) spans[np] = st = new MSpan[PAGE_CACHE_PAGES / np];
            st[nspans[np]++] = s;
            cachedPages += np;
            return;
        }
        heap.freeLargeSpan(s);
    }

    /** A recycled handle of the public layer, or null. Owner only. */
    public Object popSpare() {
        int n = nspare;
        if (n == 0) return null;
        Object o = spare[--n];
        spare[n] = null;
        nspare = n;
        return o;
    }

    /** Keeps a handle for reuse; false if the cache has enough. Owner only. */
    public boolean pushSpare(Object o) {
        int n = nspare;
        if (n == SPARE_MAX) return false;
        spare[n] = o;
        nspare = n + 1;
        return true;
    }

    /** Bytes of free objects and spans held here. Owner only. */
    long cachedBytes() {
        long b = (long) cachedPages << SizeClasses.PAGE_SHIFT;
        for (int c = 1; c < SizeClasses.NUM_SIZE_CLASSES; c++) b += (long) nobjs[c] * SizeClasses.classToSize(c);
        return b;
    }

    /** Returns every cached object and span to the central lists and the heap. Owner only. Go: mcache.releaseAll (+ pageCache.flush). */
    void releaseAll() {
        for (int c = 1; c < SizeClasses.NUM_SIZE_CLASSES; c++) {
            int n = nobjs[c];
            if (n > 0) {
                heap.central(c).releaseObjects(objs[c], 0, n);
                nobjs[c] = 0;
            }
        }
        for (int np = 1; np <= PAGE_CACHE_MAX_RUN; np++) {
            MSpan[] st = spans[np];
            for (int k = nspans[np]; k > 0; k--) {
                heap.freeLargeSpan(st[k - 1]);
                st[k - 1] = null;
            }
            nspans[np] = 0;
        }
        cachedPages = 0;
    }
}
