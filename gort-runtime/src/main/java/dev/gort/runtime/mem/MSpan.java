package dev.gort.runtime.mem;

/**
 * A run of pages: free (on the heap's free lists), or in use (a large buffer of its own, or a
 * span of small objects of one size class lent to an {@link MCentral}). Go: mheap.go mspan.
 *
 * <p>Fields are guarded by the heap lock while the span is free or changing state, and by its
 * central's lock while it holds small objects. A span object is never reused once it is
 * absorbed by a neighbour ({@link #STATE_DEAD}): a stale page-map entry that still names it is
 * recognised by its state.
 */
public final class MSpan {
    /** On the heap's free lists. Go: mSpanFree (≤1.13), now a free page in the page allocator. */
    static final byte STATE_FREE = 0;
    /** Allocated: a large buffer, or small objects. Go: mSpanInUse. */
    static final byte STATE_IN_USE = 1;
    /** Absorbed into a neighbour by coalescing, or split off and discarded; never valid again. Go: mSpanDead. */
    static final byte STATE_DEAD = 2;

    final HeapArena arena;
    /** First byte. Go: startAddr. */
    long startAddr;
    /** Index of the first page within {@link #arena}. */
    int pageIdx;
    /** Go: npages. */
    int npages;
    byte state;
    /** 0 for a large buffer, else its size class. Go: spanclass (without the noscan bit). */
    int sizeclass;
    /** Bytes per object (small) or the whole span (large). Go: elemsize. */
    int elemsize;
    /** Objects in the span. Go: nelems. */
    int nelems;
    /** Objects handed out of the span (to caches or users). Go: allocCount. */
    int allocCount;
    /** One bit per object, set while the object is free in the span. Go: allocBits (inverted). */
    long[] freeBits;
    /** Lowest word of {@link #freeBits} that may have a set bit. Go: freeindex (per word here). */
    int freeWord;
    /** When the span last became free (nanotime); meaningful while free. Go: unusedsince (≤1.12). */
    long unusedsince;
    /** Pages of the span given back to the OS; only a free span has any. Go: npreleased (≤1.11). */
    int npreleased;
    /** Links on an {@link MSpanList}. Go: next, prev, list. */
    MSpan next, prev;
    MSpanList list;

    MSpan(HeapArena arena, long startAddr, int pageIdx, int npages) {
        this.arena = arena;
        this.startAddr = startAddr;
        this.pageIdx = pageIdx;
        this.npages = npages;
    }

    /** First byte past the span. Go: limit. */
    long limit() {
        return startAddr + ((long) npages << SizeClasses.PAGE_SHIFT);
    }

    long bytes() {
        return (long) npages << SizeClasses.PAGE_SHIFT;
    }

    boolean contains(long addr) {
        return addr >= startAddr && addr < limit();
    }

    public long startAddr() {
        return startAddr;
    }

    public int npages() {
        return npages;
    }

    public int sizeclass() {
        return sizeclass;
    }

    /** Whether the span is allocated. Heap lock, or a caller that owns the span. */
    public boolean inUse() {
        return state == STATE_IN_USE;
    }

    /** Sets the span up for small objects of class {@code c}, all free. Go: mheap.alloc's initSpan for a span class. */
    void initSmall(int c) {
        sizeclass = c;
        elemsize = SizeClasses.classToSize(c);
        nelems = (int) (bytes() / elemsize);
        allocCount = 0;
        freeWord = 0;
        freeBits = new long[(nelems + 63) >>> 6];
        for (int i = 0; i < nelems >>> 6; i++) freeBits[i] = -1L;
        if ((nelems & 63) != 0) freeBits[nelems >>> 6] = (1L << (nelems & 63)) - 1;
    }

    void initLarge() {
        sizeclass = 0;
        elemsize = (int) Math.min(Integer.MAX_VALUE, bytes());
        nelems = 1;
        allocCount = 0;
        freeBits = null;
    }

    /** Takes up to {@code max} free objects into {@code dst[off..]}; returns how many. Central lock held. Go: nextFreeFast/nextFreeIndex. */
    int takeFree(long[] dst, int off, int max) {
        int n = 0;
        long[] bits = freeBits;
        int w = freeWord;
        while (n < max && w < bits.length) {
            long word = bits[w];
            if (word == 0) {
                w++;
                continue;
            }
            int b = Long.numberOfTrailingZeros(word);
            bits[w] = word & (word - 1);
            dst[off + n++] = startAddr + (long) ((w << 6) + b) * elemsize;
        }
        freeWord = w;
        allocCount += n;
        return n;
    }

    /** The index of the object at {@code addr}, or -1 if {@code addr} is not the start of one. */
    int objIndex(long addr) {
        long off = addr - startAddr;
        if (off < 0 || off >= (long) nelems * elemsize) return -1;
        int i = (int) (off / elemsize);
        return (long) i * elemsize == off ? i : -1;
    }

    /** Whether object {@code i} is out of the span (in a cache or in use). Central lock held. */
    boolean isAllocated(int i) {
        return (freeBits[i >>> 6] & (1L << i)) == 0;
    }

    /** Returns object {@code i} to the span. Central lock held. Go: the sweeper clearing a mark bit. */
    void putFree(int i) {
        int w = i >>> 6;
        freeBits[w] |= 1L << i;
        if (w < freeWord) freeWord = w;
        allocCount--;
    }

    @Override
    public String toString() {
        String st = switch (state) {
            case STATE_FREE -> "free";
            case STATE_IN_USE -> "inuse";
            default -> "dead";
        };
        return "span[0x" + Long.toHexString(startAddr) + "+" + npages + "p " + st + " class " + sizeclass
                + (state == STATE_FREE ? " released " + npreleased + "p since " + unusedsince : " objs " + allocCount + "/" + nelems) + "]";
    }
}
