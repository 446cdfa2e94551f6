package dev.gort.runtime.mem;

import static dev.gort.runtime.mem.MemTestSupport.PAGE;
import static dev.gort.runtime.mem.MemTestSupport.SEC;
import static dev.gort.runtime.mem.MemTestSupport.all;
import static dev.gort.runtime.mem.MemTestSupport.fill;
import static dev.gort.runtime.mem.MemTestSupport.freeSpanAt;
import static dev.gort.runtime.mem.MemTestSupport.large;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gort.runtime.mem.MemTestSupport.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scavenger with synthetic time: Go ≤1.12's mheap_.scavenge(now, limit) releases a free span
 * only once it has been idle for longer than the limit, never an in-use one, keeps released pages
 * right through coalescing and splitting, and reused memory reads as zero.
 */
class ScavengeTest {
    static final long LIMIT = 300 * SEC; // Go's scavengelimit, 5 minutes

    final FakeClock clock = new FakeClock();
    final MHeap h = new MHeap(clock);

    @AfterEach
    void close() {
        h.close();
    }

    /** Released bytes must be the released pages of free spans and never more than the idle bytes. */
    private void checkAccounting() {
        MStats st = h.readMemStats();
        assertEquals(st.heapSys() - st.heapInuse(), st.heapIdle());
        assertTrue(st.heapReleased() <= st.heapIdle(), st.toString());
    }

    @Test
    void freshArenaCountsAsReleased() {
        MSpan a = large(h, 4, (byte) 1);
        MStats st = h.readMemStats();
        assertEquals(HeapArena.ARENA_BYTES, st.heapSys());
        assertEquals(4L * PAGE, st.heapInuse());
        assertEquals(HeapArena.ARENA_BYTES - 4L * PAGE, st.heapReleased(), "untouched pages are released");
        h.freeLarge(a);
    }

    @Test
    void releasedOnlyAfterTheLimit() {
        MSpan a = large(h, 10, (byte) 7);
        MSpan guard = large(h, 1, (byte) 1); // keeps a's pages from merging with the untouched rest
        long t0 = clock.now();
        h.freeLarge(a);
        long releasedBefore = h.readMemStats().heapReleased();

        assertEquals(0, h.scavenge(t0 + LIMIT / 2, LIMIT));
        assertEquals(0, h.scavenge(t0 + LIMIT, LIMIT), "idle exactly the limit: not yet (Go: now - unusedsince > limit)");
        assertEquals(10L * PAGE, h.scavenge(t0 + LIMIT + 1, LIMIT));
        assertEquals(0, h.scavenge(t0 + 2 * LIMIT, LIMIT), "released once");
        assertEquals(releasedBefore + 10L * PAGE, h.readMemStats().heapReleased());
        checkAccounting();
        h.freeLarge(guard);
    }

    @Test
    void inUseSpansAreNeverReleased() {
        MSpan a = large(h, 8, (byte) 0x5a);
        clock.advance(10 * LIMIT);
        assertEquals(0, h.scavenge(clock.now() + 10 * LIMIT, LIMIT), "the only touched pages are in use");
        assertTrue(all(a.startAddr, a.bytes(), (byte) 0x5a), "an in-use span keeps its contents");
        assertEquals(0, h.scavengeAll());
        assertTrue(all(a.startAddr, a.bytes(), (byte) 0x5a));
        h.freeLarge(a);
    }

    @Test
    void coalescedSpansKeepIdleTimeAndReleasedPages() {
        MSpan a = large(h, 4, (byte) 1);
        MSpan b = large(h, 4, (byte) 2);
        MSpan c = large(h, 4, (byte) 3);
        MSpan guard = large(h, 1, (byte) 4);
        assertEquals(a.limit(), b.startAddr);
        assertEquals(b.limit(), c.startAddr);
        long aStart = a.startAddr;

        h.freeLarge(a); // idle from t0, 4 resident pages
        long t0 = clock.now();
        assertEquals(4L * PAGE, h.scavenge(t0 + LIMIT + 1, LIMIT));
        clock.advance(LIMIT + 1);

        h.freeLarge(b); // merges with a: 8 pages, a's 4 released; idle clock restarts now
        MSpan ab = freeSpanAt(h, aStart);
        assertNotNull(ab);
        assertEquals(8, ab.npages);
        assertEquals(4, ab.npreleased);
        long t1 = clock.now();
        assertEquals(0, h.scavenge(t1 + LIMIT, LIMIT), "b has not been idle for the limit");
        assertEquals(4L * PAGE, h.scavenge(t1 + LIMIT + 1, LIMIT), "only b's pages are released again");
        assertEquals(8, freeSpanAt(h, aStart).npreleased);

        clock.advance(LIMIT / 2);
        h.freeLarge(c); // merges with ab on its left: 12 pages, 8 released
        MSpan abc = freeSpanAt(h, aStart);
        assertEquals(12, abc.npages);
        assertEquals(8, abc.npreleased);
        assertEquals(clock.now(), abc.unusedsince);
        checkAccounting();

        // a split keeps each part's released pages: take 6 pages (4 released + 2 resident of b)
        long releasedBefore = h.readMemStats().heapReleased();
        MSpan d = h.mallocLarge(6);
        assertEquals(aStart, d.startAddr);
        assertEquals(releasedBefore - 6L * PAGE, h.readMemStats().heapReleased(), "6 released pages taken");
        MSpan rest = freeSpanAt(h, d.limit());
        assertEquals(6, rest.npages);
        assertEquals(2, rest.npreleased, "b's second half stays released, c's 4 pages resident");
        checkAccounting();
        h.freeLarge(d);
        h.freeLarge(guard);
        assertEquals(1, h.freeSpanCount(), "everything coalesced back into one span");
    }

    @Test
    void reuseAfterScavengingReadsZero() {
        MSpan a = large(h, 16, (byte) 0x6b);
        MSpan guard = large(h, 1, (byte) 1);
        long addr = a.startAddr;
        h.freeLarge(a);
        assertEquals(16L * PAGE, h.scavenge(clock.now() + LIMIT + 1, LIMIT));

        MSpan again = h.mallocLarge(16);
        assertEquals(addr, again.startAddr, "the same pages come back (best fit, lowest address)");
        assertTrue(all(addr, 16L * PAGE, (byte) 0), "released memory reads as zero");
        fill(addr, 16L * PAGE, (byte) 0x11); // and works
        assertTrue(all(addr, 16L * PAGE, (byte) 0x11));
        h.freeLarge(again);
        h.freeLarge(guard);
    }

    @Test
    void memoryNotReleasedIsNotZeroed() {
        MSpan a = large(h, 2, (byte) 0x42);
        MSpan guard = large(h, 1, (byte) 1);
        long addr = a.startAddr;
        h.freeLarge(a);
        MSpan again = h.mallocLarge(2);
        assertEquals(addr, again.startAddr);
        assertTrue(all(addr, 2L * PAGE, (byte) 0x42), "a recycled span keeps its last contents (documented)");
        h.freeLarge(again);
        h.freeLarge(guard);
    }

    @Test
    void smallObjectSpansAreScavengedOnceEmpty() {
        long[] objs = new long[64];
        int c = SizeClasses.sizeToClass(4096);
        for (int i = 0; i < objs.length; i++) {
            objs[i] = h.mallocSmall(c);
            fill(objs[i], 4096, (byte) 9);
        }
        long t0 = clock.now();
        assertEquals(0, h.scavenge(t0 + 10 * LIMIT, LIMIT), "spans of live objects are in use");
        for (long o : objs) h.freeSmall(o, c);
        assertEquals(0, h.readMemStats().heapInuse());
        assertEquals(64L * 4096, h.scavenge(t0 + LIMIT + 1, LIMIT));
        assertEquals(h.readMemStats().heapSys(), h.readMemStats().heapReleased());
    }

    @Test
    void releaseOldestTakesTheLongestIdleFirst() {
        MSpan a = large(h, 3, (byte) 1);
        MSpan g1 = large(h, 1, (byte) 1);
        MSpan b = large(h, 5, (byte) 1);
        MSpan g2 = large(h, 1, (byte) 1);
        h.freeLarge(b);
        clock.advance(SEC);
        h.freeLarge(a);
        assertEquals(5L * PAGE, h.releaseOldest(1), "b was freed first");
        assertEquals(0, freeSpanAt(h, a.startAddr).npreleased);
        assertEquals(3L * PAGE, h.releaseOldest(Long.MAX_VALUE));
        h.freeLarge(g1);
        h.freeLarge(g2);
        checkAccounting();
    }
}
