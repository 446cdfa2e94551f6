package dev.gort.mem;

import dev.gort.runtime.mem.MCache;
import dev.gort.runtime.mem.MHeap;
import dev.gort.runtime.mem.MSpan;
import dev.gort.runtime.mem.MStats;
import dev.gort.runtime.mem.SizeClasses;
import dev.gort.runtime.mem.Sys;
import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.util.function.LongSupplier;

/**
 * gort's off-heap buffer heap, modelled on Go's: memory mapped from the OS in 64 MiB arenas, cut
 * into 8 KiB pages and spans, Go's 67 size classes up to 32 KiB, a lock-free cache per
 * processor, central lists per size class, and a scavenger that gives free memory back to the OS
 * once it has been idle for a while (the runtime's sysmon is to drive it, Go ≤1.12's way;
 * {@link #freeOSMemory()} does it now).
 *
 * <pre>{@code
 * Heap heap = Heap.defaultHeap();
 * try (Buffer b = heap.allocate(4096)) {
 *     MemorySegment m = b.segment();          // exactly 4096 bytes
 *     b.byteBuffer().putInt(0, 42);           // or a ByteBuffer view
 * }                                           // freed
 * MemStats st = heap.memStats();              // HeapInuse, HeapIdle, HeapReleased, ...
 * }</pre>
 *
 * <p>Buffers are not zeroed (a recycled buffer holds what its last user wrote; memory fresh from
 * the OS or released by the scavenger reads as zero); {@link #allocateZeroed} clears them. Every
 * method is thread-safe. Needs Linux and {@code --enable-native-access=ALL-UNNAMED} (or the
 * module's name); without it the first call throws an {@link IllegalStateException} that says so.
 */
public final class Heap implements AutoCloseable {
    /** Largest buffer: 1 GiB. */
    public static final long MAX_SIZE = MHeap.MAX_ALLOC;

    /** One daemon thread for every heap's leak reclaiming. */
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "gort-mem-cleaner");
        t.setDaemon(true);
        return t;
    });

    final MHeap mheap;
    private final boolean checked;
    private final boolean isDefault;

    private Heap(MHeap mheap, boolean checked, boolean isDefault) {
        this.mheap = mheap;
        this.checked = checked;
        this.isDefault = isDefault;
    }

    private static final class Default {
        static final Heap HEAP = new Heap(MHeap.defaultHeap(), Boolean.getBoolean("gort.mem.checked"), true);
    }

    /**
     * The process-wide heap (the one gort's runtime scavenges and gives per-processor caches).
     * Checked mode if the system property {@code gort.mem.checked} is {@code true}.
     */
    public static Heap defaultHeap() {
        Sys.check();
        return Default.HEAP;
    }

    /** A builder for a separate heap (its own arenas; close it when done). */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether double frees and use after free are detected (see {@link Buffer}). */
    public boolean isChecked() {
        return checked;
    }

    /**
     * A buffer of {@code size} bytes, not zeroed. Throws IllegalArgumentException if {@code size}
     * is not in 1..{@link #MAX_SIZE}, and OutOfMemoryError if the OS refuses more memory.
     */
    public Buffer allocate(long size) {
        if (size <= 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("gort mem: buffer size must be 1.." + MAX_SIZE + " bytes, not " + size);
        }
        if (checked) return allocateChecked(size);
        MHeap h = mheap;
        MCache c = h.cache();
        Buffer b = null;
        long addr;
        int cls;
        MSpan span = null;
        if (size <= SizeClasses.MAX_SMALL_SIZE) {
            cls = SizeClasses.sizeToClass((int) size);
            if (c.tryOwn()) {
                try {
                    addr = c.nextFree(cls);
                    b = (Buffer) c.popSpare();
                } finally {
                    c.disown();
                }
            } else {
                addr = h.mallocSmall(cls);
            }
        } else {
            cls = 0;
            int np = MHeap.npagesFor(size);
            if (c.tryOwn()) {
                try {
                    span = c.allocLarge(np);
                    b = (Buffer) c.popSpare();
                } finally {
                    c.disown();
                }
            } else {
                span = h.mallocLarge(np);
            }
            addr = span.startAddr();
        }
        if (b == null) b = newHandle(Arena.ofAuto());
        b.attach(addr, size, cls, span);
        return b;
    }

    /** A buffer of {@code size} bytes, all zero. Otherwise as {@link #allocate}. */
    public Buffer allocateZeroed(long size) {
        Buffer b = allocate(size);
        b.segment().fill((byte) 0);
        return b;
    }

    /** Checked mode: the central paths (which validate every free), a new handle and a shared arena per buffer. */
    private Buffer allocateChecked(long size) {
        long addr;
        int cls;
        MSpan span = null;
        if (size <= SizeClasses.MAX_SMALL_SIZE) {
            cls = SizeClasses.sizeToClass((int) size);
            addr = mheap.mallocSmall(cls);
        } else {
            cls = 0;
            span = mheap.mallocLarge(MHeap.npagesFor(size));
            addr = span.startAddr();
        }
        Buffer b = newHandle(Arena.ofShared());
        b.attach(addr, size, cls, span);
        return b;
    }

    /** A handle whose cleaner watches the arena's scope: reachable from the handle, its segments and their views. */
    private Buffer newHandle(Arena arena) {
        Buffer b = new Buffer(this, arena);
        CLEANER.register(arena.scope(), b.cell);
        return b;
    }

    void free(Buffer b) {
        Buffer.Cell c = b.cell;
        if (checked) {
            if (!c.casState(Buffer.LIVE, Buffer.FREED)) throw b.freed();
            try {
                b.arena.close();
            } catch (IllegalStateException e) {
                c.state = Buffer.LIVE;
                throw new IllegalStateException("gort mem: the buffer is in use (a native call holds its segment); not freed", e);
            }
            b.detach();
            if (c.sizeclass != 0) mheap.freeSmall(c.address, c.sizeclass);
            else mheap.freeLarge(c.span);
            c.span = null;
            return;
        }
        if (c.state != Buffer.LIVE) throw b.freed();
        c.state = Buffer.FREED;
        b.detach();
        MSpan span = c.span;
        c.span = null;
        MCache mc = mheap.cache();
        if (mc.tryOwn()) {
            try {
                if (span == null) mc.freeSmall(c.address, c.sizeclass);
                else mc.freeLarge(span);
                mc.pushSpare(b);
            } finally {
                mc.disown();
            }
        } else if (span == null) {
            mheap.freeSmall(c.address, c.sizeclass);
        } else {
            mheap.freeLarge(span);
        }
    }

    /** The cleaner's path for a buffer that became unreachable unfreed. Cleaner thread. */
    void reclaimLeak(Buffer.Cell c) {
        if (c.sizeclass != 0) mheap.freeSmall(c.address, c.sizeclass);
        else mheap.freeLarge(c.span);
        c.span = null;
        mheap.countLeak();
    }

    /** The heap's accounting, consistent (no allocation or free is half-counted). Go: runtime.ReadMemStats. */
    public MemStats memStats() {
        MStats s = mheap.readMemStats();
        return new MemStats(s.heapSys(), s.heapInuse(), s.heapIdle(), s.heapReleased(), s.heapObjects(), s.mallocs(),
                s.frees(), s.leaks());
    }

    /**
     * Empties the per-processor caches and gives every free page back to the OS now, whatever its
     * idle time; returns the bytes released. Go: debug.FreeOSMemory.
     */
    public long freeOSMemory() {
        return mheap.scavengeAll();
    }

    /**
     * Unmaps a heap made by {@link #builder()}. Every buffer must have been freed (an
     * IllegalStateException otherwise); segments of freed buffers must not be touched afterwards.
     * The default heap cannot be closed.
     */
    @Override
    public void close() {
        if (isDefault) throw new IllegalStateException("gort mem: the default heap cannot be closed");
        mheap.close();
    }

    @Override
    public String toString() {
        return "Heap[" + (isDefault ? "default" : "separate") + (checked ? ", checked" : "") + "]";
    }

    /** Options for a separate heap. */
    public static final class Builder {
        private boolean checked = Boolean.getBoolean("gort.mem.checked");
        private LongSupplier nanotime = System::nanoTime;

        private Builder() {}

        /** Checked mode: double free and use after free are clear errors (slower: see {@link Buffer}). Default: {@code gort.mem.checked}. */
        public Builder checked(boolean on) {
            checked = on;
            return this;
        }

        /** The clock that stamps idle spans (tests use synthetic time). */
        Builder nanotime(LongSupplier clock) {
            nanotime = clock;
            return this;
        }

        /** A new heap; throws IllegalStateException without native access, UnsupportedOperationException off Linux. */
        public Heap build() {
            return new Heap(new MHeap(nanotime), checked, false);
        }
    }
}
