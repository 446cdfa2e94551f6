package dev.gort.runtime.mem;

/**
 * The fields of {@link MCache} that its owner writes on every allocation and free, padded on both
 * sides (JCTools' way: superclass fields come first in the layout), so that two caches used by two
 * threads never share a cache line. Without it, alloc+free on two threads ran at 21–24 M/s in
 * all, below one thread's 40.
 */
abstract class MCachePad0 {
    @SuppressWarnings("unused")
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class MCacheFields extends MCachePad0 {
    /** 1 while someone uses the cache. CAS 0→1 (acquire) pairs with the release store in disown. */
    @SuppressWarnings("unused")
    volatile int owner;
    /** Pages held in the page cache. Owner only. */
    int cachedPages;
    /** Recycled handles held. Owner only. */
    int nspare;
    /** Allocations and frees served through this cache. Owner only; read by others under the flag. Go: mcache's local_* counters. */
    long mallocs, frees;
}

abstract class MCachePad1 extends MCacheFields {
    @SuppressWarnings("unused")
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}
