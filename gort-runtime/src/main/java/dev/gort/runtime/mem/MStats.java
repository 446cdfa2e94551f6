package dev.gort.runtime.mem;

/**
 * A consistent snapshot of the heap's accounting, in bytes and counts. Go: runtime.MemStats
 * (the heap fields) as filled by readmemstats_m.
 *
 * @param heapSys      bytes mapped for the heap (arenas). Go: HeapSys.
 * @param heapInuse    bytes in in-use spans, including objects and spans held free by caches. Go: HeapInuse.
 * @param heapIdle     bytes in free spans, {@code heapSys - heapInuse}. Go: HeapIdle.
 * @param heapReleased bytes of free spans given back to the OS (or never touched). Go: HeapReleased.
 * @param heapObjects  buffers allocated and not freed, {@code mallocs - frees}. Go: HeapObjects.
 * @param mallocs      buffers allocated, ever. Go: Mallocs.
 * @param frees        buffers freed, ever (leaks reclaimed included). Go: Frees.
 * @param leaks        buffers reclaimed by the cleaner because they became unreachable unfreed (not in Go).
 * @param cachedBytes  free bytes held by the per-P caches (part of heapInuse; not in Go's MemStats).
 */
public record MStats(long heapSys, long heapInuse, long heapIdle, long heapReleased, long heapObjects,
                     long mallocs, long frees, long leaks, long cachedBytes) {
    /** Memory the heap keeps from the OS: {@code heapSys - heapReleased}. Go: heapRetained. */
    public long retained() {
        return heapSys - heapReleased;
    }
}
