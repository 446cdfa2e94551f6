package dev.gort.runtime.mem;

/**
 * One mapped region of the heap: 64 MiB (or a multiple, for a buffer larger than an arena),
 * aligned to 64 MiB, with its page map and its released-page bitmap. Go: mheap.go heapArena
 * (spans, and the scavenged bits that Go 1.14+ keeps in its page allocator).
 *
 * <p>Page map: every page of an in-use span names it; a free span is named by its first and
 * last page (enough to coalesce); other entries may be stale and are checked by state and range.
 * Written under the heap lock. Read without it only for in-use spans, whose entries do not change
 * while they are in use.
 */
final class HeapArena {
    /** Go: heapArenaBytes (64 MiB on 64-bit Linux). */
    static final int ARENA_SHIFT = 26;
    static final long ARENA_BYTES = 1L << ARENA_SHIFT;
    /** Go: pagesPerArena. */
    static final int PAGES_PER_ARENA = (int) (ARENA_BYTES >>> SizeClasses.PAGE_SHIFT);

    final long base;
    final int npages;
    /** Go: heapArena.spans. */
    final MSpan[] spans;
    /** A set bit: the page has been given back to the OS (madvise) and not touched by us since. */
    final long[] released;

    HeapArena(long base, long bytes) {
        this.base = base;
        this.npages = (int) (bytes >>> SizeClasses.PAGE_SHIFT);
        this.spans = new MSpan[npages];
        this.released = new long[(npages + 63) >>> 6];
    }

    long bytes() {
        return (long) npages << SizeClasses.PAGE_SHIFT;
    }

    int pageIndex(long addr) {
        return (int) ((addr - base) >>> SizeClasses.PAGE_SHIFT);
    }

    long pageAddr(int idx) {
        return base + ((long) idx << SizeClasses.PAGE_SHIFT);
    }

    /** Names {@code s} in the map for each of its pages. Heap lock held. */
    void setSpanAll(MSpan s) {
        for (int i = s.pageIdx, e = s.pageIdx + s.npages; i < e; i++) spans[i] = s;
    }

    /** Names {@code s} in the map at its first and last page (a free span). Heap lock held. */
    void setSpanEnds(MSpan s) {
        spans[s.pageIdx] = s;
        spans[s.pageIdx + s.npages - 1] = s;
    }

    /** Pages of [from, from+n) marked released. */
    int countReleased(int from, int n) {
        return releasedRun(from, n, COUNT);
    }

    /** Marks [from, from+n) released ({@code on}) or resident. */
    void setReleased(int from, int n, boolean on) {
        releasedRun(from, n, on ? SET : CLEAR);
    }

    private static final int COUNT = 0, SET = 1, CLEAR = 2;

    /** Walks the bitmap words covering [from, from+n): counts, sets or clears their bits there; returns the count. */
    private int releasedRun(int from, int n, int op) {
        int c = 0;
        int end = from + n;
        for (int i = from; i < end; ) {
            int w = i >>> 6;
            int b = i & 63;
            int take = Math.min(64 - b, end - i);
            long mask = take == 64 ? -1L : ((1L << take) - 1) << b;
            switch (op) {
                case COUNT -> c += Long.bitCount(released[w] & mask);
                case SET -> released[w] |= mask;
                default -> released[w] &= ~mask;
            }
            i += take;
        }
        return c;
    }

    boolean isReleased(int idx) {
        return (released[idx >>> 6] & (1L << idx)) != 0;
    }
}
