/**
 * The span heap, a leaf with a narrow interface: nothing here knows the scheduler. Go: mheap.go,
 * mcentral.go, mcache.go, mpagecache.go, sizeclasses.go, mem_linux.go, mstats.go. Not exported;
 * the public face is {@code dev.gort.mem}.
 *
 * <ul>
 *   <li>{@link dev.gort.runtime.mem.Sys}: mmap, munmap, madvise through FFM downcalls.</li>
 *   <li>{@link dev.gort.runtime.mem.SizeClasses}: Go's 67 size classes and span sizes.</li>
 *   <li>{@link dev.gort.runtime.mem.HeapArena}: a 64 MiB region, its page map and released bits.</li>
 *   <li>{@link dev.gort.runtime.mem.MSpan}, {@link dev.gort.runtime.mem.MSpanList}: spans of pages.</li>
 *   <li>{@link dev.gort.runtime.mem.FreeSpans}: the free spans, best-fit (Go ≤1.12's free lists).</li>
 *   <li>{@link dev.gort.runtime.mem.MHeap}: the page allocator, coalescing, the scavenger,
 *       stats, the registry of caches.</li>
 *   <li>{@link dev.gort.runtime.mem.MCentral}: per size class, spans with free objects.</li>
 *   <li>{@link dev.gort.runtime.mem.MCache}: per P, lock-free behind an ownership flag.</li>
 *   <li>{@link dev.gort.runtime.mem.MStats}: a snapshot of the accounting.</li>
 * </ul>
 */
package dev.gort.runtime.mem;
