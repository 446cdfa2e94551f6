package dev.gort.runtime.mem;

import static dev.gort.runtime.mem.MemTestSupport.PAGE;
import static dev.gort.runtime.mem.MemTestSupport.fill;
import static dev.gort.runtime.mem.MemTestSupport.freeSpanAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gort.runtime.mem.MemTestSupport.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The page map (address → span), coalescing on both sides, growth, and bad addresses. Go: mheap.go spanOf, freeSpanLocked. */
class PageMapTest {
    final FakeClock clock = new FakeClock();
    final MHeap h = new MHeap(clock);

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void everyPageOfAnInUseSpanFindsIt() {
        MSpan big = h.mallocLarge(9);
        for (long p = big.startAddr; p < big.limit(); p += 1000) assertSame(big, h.spanOf(p));
        assertSame(big, h.spanOf(big.limit() - 1));
        int c = SizeClasses.sizeToClass(24576); // 3 pages, one object
        long o = h.mallocSmall(c);
        MSpan s = h.spanOf(o + 3 * PAGE - 1);
        assertNotNull(s);
        assertEquals(c, s.sizeclass);
        h.freeSmall(o, c);
        h.freeLarge(big);
    }

    @Test
    void freeByAddressFindsTheSpan() {
        long small = h.mallocSmall(SizeClasses.sizeToClass(100));
        MSpan large = h.mallocLarge(5);
        h.free(small);
        h.free(large.startAddr);
        MStats st = h.readMemStats();
        assertEquals(0, st.heapInuse());
        assertEquals(0, st.heapObjects());
        assertEquals(2, st.mallocs());
    }

    @Test
    void badAddressesAreClearErrors() {
        long small = h.mallocSmall(SizeClasses.sizeToClass(48));
        MSpan large = h.mallocLarge(3);
        assertThrows(IllegalArgumentException.class, () -> h.free(12345L), "not the heap's");
        var e = assertThrows(IllegalArgumentException.class, () -> h.free(large.startAddr + 8));
        assertTrue(e.getMessage().contains("inside a buffer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.free(small + 1), "not an object's start");
        h.free(small);
        assertThrows(IllegalArgumentException.class, () -> h.free(small), "double free");
        h.free(large.startAddr);
        assertThrows(IllegalArgumentException.class, () -> h.free(large.startAddr), "double free of a large buffer");
        assertThrows(IllegalStateException.class, () -> h.freeLarge(large));
        assertEquals(0, h.readMemStats().heapObjects());
    }

    @Test
    void freeSpansCoalesceOnBothSides() {
        MSpan a = h.mallocLarge(2), b = h.mallocLarge(3), c = h.mallocLarge(4), guard = h.mallocLarge(1);
        int before = h.freeSpanCount();
        h.freeLarge(a);
        assertEquals(before + 1, h.freeSpanCount());
        h.freeLarge(c);
        assertEquals(before + 2, h.freeSpanCount());
        h.freeLarge(b); // joins a (left) and c (right)
        assertEquals(before + 1, h.freeSpanCount(), "three free spans became one");
        MSpan merged = freeSpanAt(h, a.startAddr);
        assertEquals(9, merged.npages);
        assertSame(merged, freeSpanAt(h, a.startAddr + 9L * PAGE - 1), "the last page names the merged span");
        assertEquals(MSpan.STATE_DEAD, a.state == MSpan.STATE_FREE ? c.state : a.state, "absorbed span objects are dead");
        h.freeLarge(guard);
        assertEquals(1, h.freeSpanCount());
    }

    @Test
    void randomAllocFreeEndsInOneFreeSpanPerArena() {
        SplittableRandom r = new SplittableRandom(7);
        List<MSpan> live = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            if (live.isEmpty() || r.nextInt(3) > 0) {
                MSpan s = h.mallocLarge(1 + r.nextInt(40));
                for (MSpan o : live) assertTrue(s.limit() <= o.startAddr || o.limit() <= s.startAddr, "overlap " + s + " " + o);
                live.add(s);
                if (live.size() > 200) h.freeLarge(live.remove(r.nextInt(live.size())));
            } else {
                h.freeLarge(live.remove(r.nextInt(live.size())));
            }
        }
        for (MSpan s : live) h.freeLarge(s);
        MStats st = h.readMemStats();
        assertEquals(0, st.heapInuse());
        assertEquals(st.heapSys() / HeapArena.ARENA_BYTES, h.freeSpanCount());
    }

    @Test
    void growsByArenasAndFitsHugeBuffersInARegion() {
        MSpan a = h.mallocLarge(HeapArena.PAGES_PER_ARENA - 1);
        MSpan b = h.mallocLarge(2); // does not fit in the first arena
        assertNotEquals(h.arenaOf(a.startAddr), h.arenaOf(b.startAddr));
        MSpan huge = h.mallocLarge(HeapArena.PAGES_PER_ARENA * 2 + 5); // a 3-arena region
        assertSame(huge, h.spanOf(huge.limit() - 1));
        assertEquals(0, huge.startAddr & (HeapArena.ARENA_BYTES - 1), "regions are arena-aligned");
        fill(huge.limit() - PAGE, PAGE, (byte) 1);
        MStats st = h.readMemStats();
        assertEquals(5 * HeapArena.ARENA_BYTES, st.heapSys());
        h.freeLarge(a);
        h.freeLarge(b);
        h.freeLarge(huge);
        assertEquals(0, h.readMemStats().heapInuse());
    }
}
