package dev.gort.runtime.mem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The span heap: arenas mapped from the OS, a page allocator over them with best-fit free lists
 * and coalescing, the size classes' central lists, the per-P caches, the accounting, and the
 * scavenger that gives idle free spans back to the OS. Go: mheap.go (mheap, alloc, freeSpan,
 * grow, scavenge of Go ≤1.12), mstats.go.
 *
 * <p><b>Locks.</b> {@link #lock} (Go: mheap_.lock) guards the free spans, the page maps, the
 * released bitmaps and the byte counters. The order is: {@link #worldLock} (world-wide readers and
 * flushers, one at a time), a cache's ownership flag, a central's lock, the heap lock. The fast
 * paths take only a cache's flag.
 *
 * <p><b>Time.</b> {@code nanotime} stamps a freed span's {@code unusedsince}; the scavenger gets
 * {@code now} from its caller, so tests drive both with synthetic time.
 */
public final class MHeap {
    /** Largest buffer (arbitrary: 1 GiB keeps a buffer's ByteBuffer view possible and a region at 16 arenas). */
    public static final long MAX_ALLOC = 1L << 30;

    final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock worldLock = new ReentrantLock();
    private final LongSupplier nanotime;
    private final FreeSpans free = new FreeSpans();
    private final List<HeapArena> allArenas = new ArrayList<>();
    /** Arena lookup for addresses below 2^48: [addr >>> 38][(addr >>> 26) & 4095]. Go: mheap_.arenas (L1/L2). */
    private final HeapArena[][] arenaL1 = new HeapArena[1 << 10][];
    private final MCentral[] central = new MCentral[SizeClasses.NUM_SIZE_CLASSES];
    private final CopyOnWriteArrayList<MCache> caches = new CopyOnWriteArrayList<>();
    private final MCache[] stripes;
    private final AtomicLong leaks = new AtomicLong();
    /** Arenas above 2^48 (5-level page tables), by arena number; rare. */
    private final ConcurrentHashMap<Long, HeapArena> highArenas = new ConcurrentHashMap<>();
    private volatile Supplier<MCache> cacheProvider;
    private boolean closed;

    /** Go: memstats.heap_sys, heap_inuse, heap_released. Heap lock. */
    private long heapSys, heapInuse, heapReleased;
    /** Large buffers allocated and freed without a cache. Heap lock. */
    private long largeMallocs, largeFrees;
    /** The counts of dropped caches (their Ps are gone). Heap lock. Go: the local_* flush in freemcache. */
    private long retiredMallocs, retiredFrees;

    public MHeap(LongSupplier nanotime) {
        Sys.check();
        this.nanotime = nanotime;
        for (int c = 1; c < central.length; c++) central[c] = new MCentral(this, c);
        int n = Integer.highestOneBit(Math.max(4, 2 * Runtime.getRuntime().availableProcessors() - 1)) << 1;
        stripes = new MCache[n];
        for (int i = 0; i < n; i++) stripes[i] = newCache();
        cacheProvider = this::stripedCache;
    }

    private static final class Default {
        static final MHeap HEAP = create();

        private static MHeap create() {
            MHeap h = new MHeap(System::nanoTime);
            h.setCacheProvider(() -> {
                java.util.function.Function<MHeap, MCache> f = CacheHook.perP;
                MCache c = f == null ? null : f.apply(h);
                return c != null ? c : h.stripedCache();
            });
            return h;
        }
    }

    private static volatile boolean defaultCreated;

    /** The process-wide heap behind {@code dev.gort.mem.Heap.defaultHeap()}. Throws clearly without native access. */
    public static MHeap defaultHeap() {
        Sys.check();
        MHeap h = Default.HEAP;
        defaultCreated = true;
        return h;
    }

    /** The default heap if something has created it, else null (for sysmon: scavenging must not create it). */
    public static MHeap defaultHeapIfCreated() {
        return defaultCreated ? Default.HEAP : null;
    }

    // ---- caches ------------------------------------------------------------------------------

    /** A new cache for this heap, registered for stats and flushing. Go: allocmcache. */
    public MCache newCache() {
        MCache c = new MCache(this);
        caches.add(c);
        return c;
    }

    /** Flushes a cache and forgets it (its P is gone). Go: freemcache. */
    public void dropCache(MCache c) {
        worldLock.lock();
        try {
            dropCacheLocked(c);
        } finally {
            worldLock.unlock();
        }
    }

    private void dropCacheLocked(MCache c) {
        c.ownSpin();
        try {
            c.releaseAll();
            lock.lock();
            try {
                retiredMallocs += c.mallocs;
                retiredFrees += c.frees;
                c.mallocs = c.frees = 0;
            } finally {
                lock.unlock();
            }
        } finally {
            c.disown();
        }
        caches.remove(c);
    }

    /**
     * Sets where {@link #cache()} finds the calling thread's cache: the runtime sets a function
     * that returns the current P's cache, falling back to {@link #stripedCache()} off a P.
     */
    public void setCacheProvider(Supplier<MCache> provider) {
        cacheProvider = provider == null ? this::stripedCache : provider;
    }

    /** This heap's clock (free spans' unusedsince; the scavenger's now). */
    public long nanotime() {
        return nanotime.getAsLong();
    }

    /** The calling thread's cache. Go: getMCache. */
    public MCache cache() {
        return cacheProvider.get();
    }

    /**
     * The cache for a thread without a P: one of a few caches, dealt round robin to platform
     * threads (picked by thread id, hashed, for virtual threads outside gort). Two threads
     * that land on the same one see a failed {@link MCache#tryOwn()} and take the central path,
     * so this stays correct under any concurrency.
     */
    public MCache stripedCache() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) return stripes[(int) mix(t.threadId()) & (stripes.length - 1)];
        return stripeOf.get(); // platform threads: dealt round robin, so a few threads never share one
    }

    /** A platform thread's stripe, assigned on its first allocation. */
    private final AtomicLong nextStripe = new AtomicLong();
    private final ThreadLocal<MCache> stripeOf = ThreadLocal.withInitial(this::nextStripe);

    private MCache nextStripe() {
        return stripes[(int) (nextStripe.getAndIncrement() & (stripes.length - 1))];
    }

    /** Spreads consecutive thread ids (a multiplicative hash's high bits). */
    private static long mix(long id) {
        return (id * 0x9E3779B97F4A7C15L) >>> 40;
    }

    MCentral central(int c) {
        return central[c];
    }

    // ---- the central (cache-less) paths, any thread ------------------------------------------

    /** A small object of class {@code c} without a cache. */
    public long mallocSmall(int c) {
        return central[c].mallocOne();
    }

    /** Frees a small object of class {@code c} without a cache; throws if it is not an allocated object of that class. */
    public void freeSmall(long addr, int c) {
        central[c].freeOne(addr);
    }

    /** A large buffer's span without a cache. */
    public MSpan mallocLarge(int npages) {
        lock.lock();
        try {
            MSpan s = allocSpanLocked(npages);
            s.initLarge();
            largeMallocs++;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Frees a large buffer's span without a cache. */
    public void freeLarge(MSpan s) {
        lock.lock();
        try {
            checkLarge(s);
            freeSpanLocked(s);
            largeFrees++;
        } finally {
            lock.unlock();
        }
        spanFreed();
    }

    /**
     * Frees whatever buffer starts at {@code addr}, found through the page map; throws
     * IllegalArgumentException for an address that is not the start of an allocated buffer of this
     * heap. Any thread. Go: free(address) → spanOf.
     *
     * <p>A small object held free in a cache looks allocated to its span, so freeing one of those
     * here would hand it out twice: this path is for addresses that came from
     * {@link #mallocSmall}/{@link #mallocLarge} or from a cache's allocation, never for a cache's
     * free list.
     */
    public void free(long addr) {
        MSpan s = spanOf(addr);
        if (s == null || s.state != MSpan.STATE_IN_USE) {
            throw new IllegalArgumentException("gort mem: 0x" + Long.toHexString(addr) + " is not an allocated buffer of this heap");
        }
        if (s.sizeclass == 0) {
            if (s.startAddr != addr) {
                throw new IllegalArgumentException("gort mem: 0x" + Long.toHexString(addr) + " is inside a buffer, not its start (" + s + ")");
            }
            freeLarge(s);
        } else {
            try {
                freeSmall(addr, s.sizeclass);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** Counts a buffer reclaimed by the cleaner. */
    public void countLeak() {
        leaks.incrementAndGet();
    }

    // ---- the page allocator --------------------------------------------------------------------

    /** Pages for {@code n} bytes, rounded up. */
    public static int npagesFor(long n) {
        return (int) ((n + SizeClasses.PAGE_SIZE - 1) >>> SizeClasses.PAGE_SHIFT);
    }

    /** A span for a cache's large buffer (counted by the cache). Any thread. */
    MSpan allocLargeSpan(int npages) {
        lock.lock();
        try {
            MSpan s = allocSpanLocked(npages);
            s.initLarge();
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Gives a cache's large span back. Any thread. */
    void freeLargeSpan(MSpan s) {
        lock.lock();
        try {
            checkLarge(s);
            freeSpanLocked(s);
        } finally {
            lock.unlock();
        }
        spanFreed();
    }

    private static void checkLarge(MSpan s) {
        if (s.state != MSpan.STATE_IN_USE || s.sizeclass != 0) {
            throw new IllegalStateException("gort mem: freeing a span that is not an in-use large buffer: " + s);
        }
    }

    /** A span of {@code npages} for size class {@code c}'s central list. Any thread. Go: mheap.alloc. */
    MSpan allocSpan(int npages, int c) {
        lock.lock();
        try {
            MSpan s = allocSpanLocked(npages);
            s.sizeclass = c;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Gives a central's empty span back. Any thread. Go: mheap.freeSpan. */
    void freeSpan(MSpan s) {
        lock.lock();
        try {
            freeSpanLocked(s);
        } finally {
            lock.unlock();
        }
        spanFreed();
    }

    /** Called (outside the heap lock) after a span went back to the free lists: the paced scavenger's wake-up. */
    private volatile Runnable onSpanFreed;

    /** Sets what runs after a span is freed (the paced scavenger's wake-up; null: nothing). Must be cheap. */
    public void setOnSpanFreed(Runnable r) {
        onSpanFreed = r;
    }

    private void spanFreed() {
        Runnable r = onSpanFreed;
        if (r != null) r.run();
    }

    /**
     * {@code {HeapSys, HeapInuse, HeapReleased}} under the heap lock only: what a pacer needs, without
     * the world-wide snapshot of {@link #readMemStats()}.
     */
    public long[] pageCounts() {
        lock.lock();
        try {
            return new long[]{heapSys, heapInuse, heapReleased};
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code npages} from the best-fitting free span, growing the heap if none fits; the
     * rest of that span stays free with its own idle time and released pages. Heap lock held.
     * Go: mheap.allocSpanLocked (≤1.12).
     */
    MSpan allocSpanLocked(int npages) {
        if (closed) throw new IllegalStateException("gort mem: the heap is closed");
        MSpan s = free.find(npages);
        if (s == null) {
            grow(npages);
            s = free.find(npages);
        }
        free.remove(s);
        HeapArena a = s.arena;
        if (s.npages > npages) {
            MSpan t = new MSpan(a, s.startAddr + ((long) npages << SizeClasses.PAGE_SHIFT), s.pageIdx + npages, s.npages - npages);
            t.state = MSpan.STATE_FREE;
            t.unusedsince = s.unusedsince;
            t.npreleased = a.countReleased(t.pageIdx, t.npages);
            s.npreleased -= t.npreleased;
            s.npages = npages;
            a.setSpanEnds(t);
            free.insert(t);
        }
        // Go: sysUsed, a no-op with MADV_DONTNEED; released pages come back zero on first touch.
        heapReleased -= (long) s.npreleased << SizeClasses.PAGE_SHIFT;
        a.setReleased(s.pageIdx, s.npages, false);
        s.npreleased = 0;
        s.state = MSpan.STATE_IN_USE;
        a.setSpanAll(s);
        heapInuse += s.bytes();
        return s;
    }

    /**
     * Makes {@code s} free, idle from now, and merges it with free neighbours on both sides; the
     * merged span's released pages are the sum of its parts' and its idle time starts now (Go ≤1.11
     * did the same: a neighbour's resident pages wait one more limit). Heap lock held.
     * Go: mheap.freeSpanLocked.
     */
    void freeSpanLocked(MSpan s) {
        if (s.state != MSpan.STATE_IN_USE) throw new IllegalStateException("gort mem: freeing a span that is not in use: " + s);
        heapInuse -= s.bytes();
        s.state = MSpan.STATE_FREE;
        s.sizeclass = 0;
        s.freeBits = null;
        s.unusedsince = nanotime.getAsLong();
        s.npreleased = 0;
        HeapArena a = s.arena;
        if (s.pageIdx > 0) {
            MSpan b = a.spans[s.pageIdx - 1];
            if (b != null && b.state == MSpan.STATE_FREE && b.limit() == s.startAddr) {
                free.remove(b);
                s.startAddr = b.startAddr;
                s.pageIdx = b.pageIdx;
                s.npages += b.npages;
                s.npreleased += b.npreleased;
                b.state = MSpan.STATE_DEAD;
            }
        }
        int after = s.pageIdx + s.npages;
        if (after < a.npages) {
            MSpan n = a.spans[after];
            if (n != null && n.state == MSpan.STATE_FREE && n.startAddr == s.limit()) {
                free.remove(n);
                s.npages += n.npages;
                s.npreleased += n.npreleased;
                n.state = MSpan.STATE_DEAD;
            }
        }
        a.setSpanEnds(s);
        free.insert(s);
    }

    /**
     * Maps a new region big enough for {@code npages}: one arena, or a run of them for a huge
     * buffer, aligned to the arena size. It joins the heap as one free span whose pages all count
     * as released: untouched, they cost no RSS (Go 1.14+ counts fresh memory as scavenged too).
     * Heap lock held. Go: mheap.grow + sysReserve/sysMap.
     */
    private void grow(int npages) {
        long need = (long) npages << SizeClasses.PAGE_SHIFT;
        long bytes = (need + HeapArena.ARENA_BYTES - 1) & -HeapArena.ARENA_BYTES;
        long raw = Sys.mmap(bytes + HeapArena.ARENA_BYTES);
        long base = (raw + HeapArena.ARENA_BYTES - 1) & -HeapArena.ARENA_BYTES;
        if (base > raw) Sys.munmap(raw, base - raw);
        long tail = raw + bytes + HeapArena.ARENA_BYTES - (base + bytes);
        if (tail > 0) Sys.munmap(base + bytes, tail);
        HeapArena a = new HeapArena(base, bytes);
        register(a);
        heapSys += bytes;
        heapReleased += bytes;
        a.setReleased(0, a.npages, true);
        MSpan s = new MSpan(a, base, 0, a.npages);
        s.state = MSpan.STATE_FREE;
        s.npreleased = a.npages;
        s.unusedsince = nanotime.getAsLong();
        a.setSpanEnds(s);
        free.insert(s);
    }

    private void register(HeapArena a) {
        allArenas.add(a);
        for (long p = a.base; p < a.base + a.bytes(); p += HeapArena.ARENA_BYTES) {
            if (p >>> 48 != 0) {
                highArenas.put(p >>> HeapArena.ARENA_SHIFT, a);
                continue;
            }
            int i1 = (int) (p >>> 38);
            HeapArena[] l2 = arenaL1[i1];
            if (l2 == null) arenaL1[i1] = l2 = new HeapArena[1 << 12];
            l2[(int) (p >>> HeapArena.ARENA_SHIFT) & 4095] = a;
        }
    }

    /** The arena holding {@code addr}, or null. Any thread. Go: spanOf's arena lookup. */
    HeapArena arenaOf(long addr) {
        if (addr >>> 48 != 0) return highArenas.get(addr >>> HeapArena.ARENA_SHIFT);
        HeapArena[] l2 = arenaL1[(int) (addr >>> 38)];
        return l2 == null ? null : l2[(int) (addr >>> HeapArena.ARENA_SHIFT) & 4095];
    }

    /**
     * The span that holds {@code addr} according to the page map, or null. Exact for in-use spans;
     * for other addresses the result may be stale and must be checked by state and range. Go: spanOf.
     */
    MSpan spanOf(long addr) {
        HeapArena a = arenaOf(addr);
        if (a == null) return null;
        MSpan s = a.spans[a.pageIndex(addr)];
        return s != null && s.contains(addr) ? s : null;
    }

    // ---- the scavenger -----------------------------------------------------------------------

    /**
     * Gives back to the OS every free span idle for longer than {@code limitNs} at {@code now}
     * (its pages not yet released); returns the bytes released. Runs under the heap lock, as Go's
     * did. Go ≤1.12: mheap_.scavenge(k, now, limit), which sysmon called every limit/2.
     */
    public long scavenge(long now, long limitNs) {
        lock.lock();
        try {
            List<MSpan> todo = new ArrayList<>();
            free.forEach(s -> {
                if (s.npreleased < s.npages && now - s.unusedsince > limitNs) todo.add(s);
            });
            long released = 0;
            for (MSpan s : todo) released += releaseSpanLocked(s);
            return released;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases free pages, oldest-idle spans first, until at least {@code bytes} went back to the
     * OS or nothing is left; returns the bytes released. For a paced background scavenger (Go
     * 1.13+ bgscavenge releases a little at a time towards a goal: see {@link #readMemStats}'s
     * {@code retained()}).
     */
    public long releaseOldest(long bytes) {
        lock.lock();
        try {
            List<MSpan> todo = new ArrayList<>();
            free.forEach(s -> {
                if (s.npreleased < s.npages) todo.add(s);
            });
            todo.sort(Comparator.comparingLong(s -> s.unusedsince));
            long released = 0;
            for (MSpan s : todo) {
                if (released >= bytes) break;
                released += releaseSpanLocked(s);
            }
            return released;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Flushes every cache and gives every free page back to the OS; returns the bytes released.
     * Go: debug.FreeOSMemory (a GC, then mheap_.scavenge with no age limit).
     */
    public long scavengeAll() {
        flushCaches();
        return releaseOldest(Long.MAX_VALUE);
    }

    /** madvise(DONTNEED) on the resident runs of a free span. Heap lock held. Go: sysUnused in scavenge. */
    private long releaseSpanLocked(MSpan s) {
        HeapArena a = s.arena;
        int end = s.pageIdx + s.npages;
        int i = s.pageIdx;
        long released = 0;
        while (i < end) {
            if (a.isReleased(i)) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < end && !a.isReleased(j)) j++;
            Sys.madviseDontneed(a.pageAddr(i), (long) (j - i) << SizeClasses.PAGE_SHIFT);
            a.setReleased(i, j - i, true);
            released += (long) (j - i) << SizeClasses.PAGE_SHIFT;
            i = j;
        }
        s.npreleased = s.npages;
        heapReleased += released;
        free.remove(s);
        free.insert(s);
        return released;
    }

    // ---- world-wide operations -----------------------------------------------------------------

    /** Empties every cache into the central lists and the heap. Go: flushallmcaches (at a GC). */
    public void flushCaches() {
        worldLock.lock();
        try {
            for (MCache c : caches) {
                c.ownSpin();
                try {
                    c.releaseAll();
                } finally {
                    c.disown();
                }
            }
        } finally {
            worldLock.unlock();
        }
    }

    /**
     * A consistent snapshot: every cache is held in turn (each for the time of one operation at
     * most) and stays held, then every central lock and the heap lock are taken, so no
     * allocation or free is half-counted. Go: ReadMemStats (which stops the world).
     */
    public MStats readMemStats() {
        worldLock.lock();
        List<MCache> held = new ArrayList<>();
        try {
            for (MCache c : caches) {
                c.ownSpin();
                held.add(c);
            }
            for (int c = 1; c < central.length; c++) central[c].lock.lock();
            lock.lock();
            try {
                long mallocs = largeMallocs + retiredMallocs, frees = largeFrees + retiredFrees, cached = 0;
                for (MCache c : held) {
                    mallocs += c.mallocs;
                    frees += c.frees;
                    cached += c.cachedBytes();
                }
                for (int c = 1; c < central.length; c++) {
                    mallocs += central[c].mallocs;
                    frees += central[c].frees;
                }
                return new MStats(heapSys, heapInuse, heapSys - heapInuse, heapReleased, mallocs - frees, mallocs,
                        frees, leaks.get(), cached);
            } finally {
                lock.unlock();
                for (int c = central.length - 1; c >= 1; c--) central[c].lock.unlock();
            }
        } finally {
            for (MCache c : held) c.disown();
            worldLock.unlock();
        }
    }

    /** Free spans on the heap's lists (for tests and traces). */
    int freeSpanCount() {
        lock.lock();
        try {
            return free.count();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unmaps every arena. Only for a heap with nothing allocated (after {@link #flushCaches()});
     * throws IllegalStateException otherwise. The default heap is never closed.
     */
    public void close() {
        if (this == defaultHeapIfCreated()) throw new IllegalStateException("gort mem: the default heap cannot be closed");
        flushCaches();
        MStats st = readMemStats();
        lock.lock();
        try {
            if (closed) return;
            if (st.heapObjects() != 0 || heapInuse != 0) {
                throw new IllegalStateException("gort mem: closing a heap with " + st.heapObjects() + " buffers still allocated");
            }
            closed = true;
            for (HeapArena a : allArenas) Sys.munmap(a.base, a.bytes());
            allArenas.clear();
        } finally {
            lock.unlock();
        }
    }
}
