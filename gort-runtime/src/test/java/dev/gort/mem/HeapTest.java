package dev.gort.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The public API in unchecked mode: sizes, views, free, stats, bad input. */
class HeapTest {
    final Heap heap = Heap.builder().checked(false).build();

    @AfterEach
    void close() {
        heap.close();
    }

    @Test
    void segmentIsExactlyTheSizeAskedFor() {
        for (long n : new long[] {1, 7, 8, 100, 4096, 4097, 32768, 32769, 65536, 1 << 20, 3_000_001}) {
            try (Buffer b = heap.allocate(n)) {
                assertEquals(n, b.size());
                assertEquals(n, b.segment().byteSize());
                assertEquals(n, b.byteBuffer().capacity());
                assertEquals(b.address(), b.segment().address());
                b.segment().set(ValueLayout.JAVA_BYTE, n - 1, (byte) 9);
                assertEquals(9, b.byteBuffer().get((int) (n - 1)));
                assertThrows(IndexOutOfBoundsException.class, () -> b.segment().get(ValueLayout.JAVA_BYTE, n));
            }
        }
        MemStats st = heap.memStats();
        assertEquals(0, st.heapObjects());
        assertEquals(st.mallocs(), st.frees());
    }

    @Test
    void byteBufferViewIsMadeOnceAndSharesTheMemory() {
        Buffer b = heap.allocate(64);
        ByteBuffer v = b.byteBuffer();
        assertSame(v, b.byteBuffer());
        assertTrue(v.isDirect());
        v.putLong(8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, b.segment().get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(v.order()), 8));
        b.free();
    }

    @Test
    void allocateZeroedIsZero() {
        Buffer dirty = heap.allocate(4000);
        dirty.segment().fill((byte) 0x77);
        dirty.free();
        Buffer b = heap.allocateZeroed(4000);
        assertEquals(-1, b.segment().mismatch(java.lang.foreign.MemorySegment.ofArray(new byte[4000])));
        b.free();
    }

    @Test
    void badInputIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> heap.allocate(0));
        assertTrue(e.getMessage().contains("1.."), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> heap.allocate(-5));
        assertThrows(IllegalArgumentException.class, () -> heap.allocate(Heap.MAX_SIZE + 1));
        assertThrows(IllegalStateException.class, () -> Heap.defaultHeap().close());
    }

    @Test
    void freeingTwiceIsCaughtWhileTheHandleIsNotReused() {
        Buffer b = heap.allocate(100);
        b.free();
        assertTrue(b.isFreed());
        var e = assertThrows(IllegalStateException.class, b::free);
        assertTrue(e.getMessage().contains("already freed"));
        assertThrows(IllegalStateException.class, b::segment);
        assertThrows(IllegalStateException.class, b::byteBuffer);
    }

    @Test
    void handlesAreRecycledInUncheckedMode() {
        Buffer a = heap.allocate(100);
        a.free();
        Buffer b = heap.allocate(200);
        assertSame(a, b, "the freed handle is reused (documented)");
        assertEquals(200, b.size());
        b.free();
    }

    @Test
    void statsFollowAllocations() {
        MemStats empty = heap.memStats();
        assertEquals(0, empty.heapInuse());
        Buffer small = heap.allocate(1000), large = heap.allocate(100_000);
        MemStats st = heap.memStats();
        assertEquals(2, st.heapObjects());
        assertEquals(st.heapSys() - st.heapInuse(), st.heapIdle());
        assertTrue(st.heapInuse() >= 8192 + 13 * 8192, st.toString());
        small.free();
        large.free();
        heap.freeOSMemory();
        st = heap.memStats();
        assertEquals(0, st.heapInuse(), "freeOSMemory empties the caches");
        assertEquals(st.heapSys(), st.heapReleased());
        assertEquals(st.mallocs(), st.frees());
        assertNotEquals(0, st.mallocs());
    }

    @Test
    void closingWithLiveBuffersIsRefused() {
        Heap h = Heap.builder().build();
        Buffer b = h.allocate(10);
        assertThrows(IllegalStateException.class, h::close);
        b.free();
        h.close();
    }
}
