package dev.gort.runtime.mem;

import java.util.function.Function;

/**
 * How the default heap finds the calling thread's per-P cache: the scheduler sets {@link #perP}
 * (the current P's cache, made on first use, or null off a P). A separate class so that the
 * scheduler can set it without loading the heap (which needs native access). Go: getMCache
 * reads {@code getg().m.p.ptr().mcache}.
 */
public final class CacheHook {
    private CacheHook() {}

    /** The current P's cache of the given heap, or null (then a striped cache is used). */
    public static volatile Function<MHeap, MCache> perP;
}
