package dev.gort.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Checked mode (double free, use after free) and leaks reclaimed by the Cleaner in both modes. */
class CheckedModeTest {
    @Test
    void doubleFreeIsAClearError() {
        try (Heap heap = Heap.builder().checked(true).build()) {
            assertTrue(heap.isChecked());
            for (long n : new long[] {64, 100_000}) {
                Buffer b = heap.allocate(n);
                b.free();
                var e = assertThrows(IllegalStateException.class, b::free);
                assertTrue(e.getMessage().contains("already freed"), e.getMessage());
                Buffer c = heap.allocate(n);
                assertNotSame(b, c, "checked mode never recycles handles");
                assertThrows(IllegalStateException.class, b::free, "still an error after the memory is reused");
                c.free();
            }
        }
    }

    @Test
    void useAfterFreeIsAClearError() {
        try (Heap heap = Heap.builder().checked(true).build()) {
            for (long n : new long[] {64, 100_000}) {
                Buffer b = heap.allocate(n);
                MemorySegment seg = b.segment();
                ByteBuffer view = b.byteBuffer();
                seg.set(ValueLayout.JAVA_INT, 0, 1);
                b.free();
                assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_INT, 0));
                assertThrows(IllegalStateException.class, () -> seg.set(ValueLayout.JAVA_INT, 0, 2));
                assertThrows(IllegalStateException.class, () -> view.getInt(0));
                assertThrows(IllegalStateException.class, b::segment);
            }
            MemStats st = heap.memStats();
            assertEquals(0, st.heapObjects());
        }
    }

    @Test
    void leaksAreReclaimedAndCountedChecked() throws InterruptedException {
        leaks(true);
    }

    @Test
    void leaksAreReclaimedAndCountedUnchecked() throws InterruptedException {
        leaks(false);
    }

    private static void leaks(boolean checked) throws InterruptedException {
        try (Heap heap = Heap.builder().checked(checked).build()) {
            dropSome(heap);
            MemStats st = awaitLeaks(heap, 2);
            assertEquals(2, st.leaks(), st.toString());
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(30);
            }
            assertEquals(2, heap.memStats().leaks(), "a buffer whose segment is reachable is not reclaimed");
            KEPT_SEGMENT_ONLY.set(ValueLayout.JAVA_INT, 0, 1);
            KEPT_SEGMENT_ONLY = null;
            st = awaitLeaks(heap, 3);
            assertEquals(3, st.leaks(), st.toString());
            assertEquals(1, st.heapObjects(), "the kept buffer is not reclaimed");
            assertEquals(st.mallocs() - 1, st.frees());
            KEPT.segment().set(ValueLayout.JAVA_INT, 0, 5); // still valid
            KEPT.free();
            KEPT = null;
        }
    }

    private static MemStats awaitLeaks(Heap heap, long n) throws InterruptedException {
        MemStats st = heap.memStats();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (st.leaks() < n && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
            st = heap.memStats();
        }
        return st;
    }

    static Buffer KEPT;
    static MemorySegment KEPT_SEGMENT_ONLY;

    private static void dropSome(Heap heap) {
        heap.allocate(100);        // dropped at once
        heap.allocate(50_000);     // a large one
        KEPT_SEGMENT_ONLY = heap.allocate(200).segment(); // the handle is dropped, its segment kept
        KEPT = heap.allocate(300);
    }
}
