package dev.gort.net;

import dev.gort.mem.Buffer;
import dev.gort.mem.Heap;

/**
 * Where {@link TcpConn} takes the direct buffers its {@code byte[]} reads and writes (and the
 * stream views) go through: gort's span heap ({@code dev.gort.mem}), from the calling goroutine's
 * P cache. The JDK would copy through a temporary direct buffer of its own, cached per thread; this
 * keeps that memory in the heap that sysmon scavenges. Without native access the heap is not
 * available and the JDK's path is used instead (checked once).
 */
final class NetBuffers {
    private NetBuffers() {}

    /** Largest chunk of one read or write through a heap buffer. */
    static final int MAX_CHUNK = 64 << 10;

    private static volatile Heap heap;
    private static volatile boolean unavailable;

    /** A buffer of n bytes (n ≤ MAX_CHUNK), or null if the span heap cannot be used here. Free it. */
    static Buffer get(int n) {
        Heap h = heap;
        if (h == null) {
            if (unavailable) return null;
            try {
                heap = h = Heap.defaultHeap();
            } catch (IllegalStateException | UnsupportedOperationException e) {
                unavailable = true; // no native access, or not Linux: the JDK's own copy
                return null;
            }
        }
        return h.allocate(n);
    }
}
