package dev.gort.mem;

/**
 * The accounting of a {@link Heap}, read consistently by {@link Heap#memStats()}. The names are
 * those of Go's {@code runtime.MemStats}; every byte figure counts whole 8 KiB pages.
 *
 * @param heapSys      bytes mapped from the OS for the heap (whole 64 MiB arenas, resident or not). Go: HeapSys.
 * @param heapInuse    bytes in spans that are in use: buffers, the unused tail of their size class or page run,
 *                     and free buffers held by the per-processor caches. Go: HeapInuse.
 * @param heapIdle     bytes in free spans, {@code heapSys - heapInuse}. Go: HeapIdle.
 * @param heapReleased bytes of free spans that the OS holds no memory for: given back by the scavenger, or never
 *                     touched. Go: HeapReleased.
 * @param heapObjects  buffers allocated and not yet freed. Go: HeapObjects.
 * @param mallocs      buffers ever allocated. Go: Mallocs.
 * @param frees        buffers ever freed, including the leaks reclaimed. Go: Frees.
 * @param leaks        buffers that became unreachable without being freed and were reclaimed by the heap's
 *                     {@link java.lang.ref.Cleaner} (not in Go, which has a collector).
 */
public record MemStats(long heapSys, long heapInuse, long heapIdle, long heapReleased, long heapObjects,
                       long mallocs, long frees, long leaks) {
    /** Bytes the heap keeps from the OS: {@code heapSys - heapReleased} (Go's heapRetained). */
    public long retained() {
        return heapSys - heapReleased;
    }
}
