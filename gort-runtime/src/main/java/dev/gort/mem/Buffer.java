package dev.gort.mem;

import dev.gort.runtime.mem.MSpan;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A buffer of off-heap memory from a {@link Heap}: {@link #segment()} is exactly {@link #size()}
 * bytes. Free it with {@link #free()} (or {@link #close()}, so that try-with-resources works)
 * when done; a buffer that becomes unreachable without being freed is reclaimed later by the
 * heap's cleaner and counted in {@link MemStats#leaks()}.
 *
 * <p>The memory is <b>not zeroed</b> (see {@link Heap#allocateZeroed}). A buffer is for one owner
 * at a time: hand it to another thread through something that orders memory (a channel, a lock),
 * as with any object.
 *
 * <p><b>Unchecked mode</b> (the default): the handle object is recycled after {@link #free()}, so
 * a reference kept past free may later see another allocation; freeing twice is caught only while
 * the handle has not been reused, and using a freed buffer's segment reads or corrupts someone
 * else's memory, as with C's free. <b>Checked mode</b> ({@link Heap.Builder#checked(boolean)},
 * {@code -Dgort.mem.checked=true}): every buffer has its own handle and its own shared arena, closed
 * at free, so a double free is an {@link IllegalStateException} and any later access through the
 * segment or the ByteBuffer view is an {@code IllegalStateException} from the FFM API.
 */
public final class Buffer implements AutoCloseable {
    static final int LIVE = 1, FREED = 2;

    /**
     * What the cleaner needs to reclaim the memory: it must not reach the handle (which would
     * then never become unreachable).
     */
    static final class Cell implements Runnable {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Cell.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Heap heap;
        long address;
        /** Size class of a small buffer, 0 for a large one. */
        int sizeclass;
        /** The span of a large buffer. */
        MSpan span;
        int state;

        Cell(Heap heap) {
            this.heap = heap;
        }

        boolean casState(int from, int to) {
            return STATE.compareAndSet(this, from, to);
        }

        /** The cleaner: the handle, its segments and views are all unreachable. */
        @Override
        public void run() {
            if (state == LIVE) {
                state = FREED;
                heap.reclaimLeak(this);
            }
        }
    }

    final Cell cell;
    /**
     * The scope of this handle's segments. Unchecked: an automatic arena made once per handle
     * (handles are recycled), which keeps the handle's cleaner from running while a segment or
     * ByteBuffer view of it is still reachable. Checked: a shared arena per buffer, closed at free.
     */
    final Arena arena;
    private long size;
    private MemorySegment segment;
    private ByteBuffer view;

    Buffer(Heap heap, Arena arena) {
        this.cell = new Cell(heap);
        this.arena = arena;
    }

    @SuppressWarnings("restricted") // the heap checked native access when it was made
    void attach(long address, long size, int sizeclass, MSpan span) {
        Cell c = cell;
        c.address = address;
        c.sizeclass = sizeclass;
        c.span = span;
        c.state = LIVE;
        this.size = size;
        this.segment = MemorySegment.ofAddress(address).reinterpret(size, arena, null);
        this.view = null;
    }

    /** The buffer's memory, exactly {@link #size()} bytes. Throws IllegalStateException once freed. */
    public MemorySegment segment() {
        if (cell.state != LIVE) throw freed();
        return segment;
    }

    /**
     * A ByteBuffer view of the memory (position 0, limit {@link #size()}, big-endian as every new
     * ByteBuffer), made once per buffer. Throws IllegalStateException once freed.
     */
    public ByteBuffer byteBuffer() {
        if (cell.state != LIVE) throw freed();
        ByteBuffer v = view;
        if (v == null) view = v = segment.asByteBuffer();
        return v;
    }

    /** The size asked for at allocation. */
    public long size() {
        return size;
    }

    /** The address of the first byte (for native calls). Throws IllegalStateException once freed. */
    public long address() {
        if (cell.state != LIVE) throw freed();
        return cell.address;
    }

    /** Whether {@link #free()} has been called (unchecked mode: for this allocation of a recycled handle). */
    public boolean isFreed() {
        return cell.state != LIVE;
    }

    /**
     * Gives the memory back to the heap. Throws IllegalStateException if the buffer was already
     * freed (always in checked mode; in unchecked mode while the handle has not been reused).
     */
    public void free() {
        cell.heap.free(this);
    }

    /** Same as {@link #free()}. */
    @Override
    public void close() {
        free();
    }

    /** Marks the handle freed and forgets its segment; the caller releases the memory. */
    void detach() {
        segment = null;
        view = null;
    }

    IllegalStateException freed() {
        return new IllegalStateException("gort mem: buffer already freed");
    }

    @Override
    public String toString() {
        return "Buffer[" + size + " bytes at 0x" + Long.toHexString(cell.address) + (cell.state == LIVE ? "" : ", freed") + "]";
    }
}
