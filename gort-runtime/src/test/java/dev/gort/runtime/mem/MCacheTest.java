package dev.gort.runtime.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gort.runtime.mem.MemTestSupport.FakeClock;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-P cache: its ownership flag, batches to and from the central lists, the page cache, and the counters. */
class MCacheTest {
    final MHeap h = new MHeap(new FakeClock());

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void ownershipIsExclusive() {
        MCache c = h.newCache();
        assertTrue(c.tryOwn());
        assertFalse(c.tryOwn(), "a second owner is refused (it takes the central path)");
        c.disown();
        assertTrue(c.tryOwn());
        c.disown();
        h.dropCache(c);
    }

    @Test
    void objectsMoveInBatches() {
        MCache c = h.newCache();
        int cls = SizeClasses.sizeToClass(4096);
        int batch = SizeClasses.batch(cls);
        assertTrue(c.tryOwn());
        Set<Long> seen = new HashSet<>();
        long[] got = new long[3 * batch];
        for (int i = 0; i < got.length; i++) assertTrue(seen.add(got[i] = c.nextFree(cls)), "handed out twice");
        for (long a : got) c.freeSmall(a, cls);
        // two batches at most stay cached; the rest went back to their spans
        assertTrue(c.cachedBytes() <= 2L * batch * 4096, "cached " + c.cachedBytes());
        c.disown();
        MStats st = h.readMemStats();
        assertEquals(got.length, st.mallocs());
        assertEquals(got.length, st.frees());
        assertEquals(0, st.heapObjects());
        assertEquals(c.cachedBytes(), st.cachedBytes());
        assertTrue(st.heapInuse() >= st.cachedBytes(), "cached objects keep their spans in use, as in Go");
        h.flushCaches();
        assertEquals(0, h.readMemStats().heapInuse());
    }

    @Test
    void pageCacheKeepsSmallRunsWithinItsBound() {
        MCache c = h.newCache();
        assertTrue(c.tryOwn());
        MSpan s = c.allocLarge(8);
        c.freeLarge(s);
        assertSame(s, c.allocLarge(8), "a freed 8-page span comes back without the heap");
        MSpan[] many = new MSpan[20];
        for (int i = 0; i < many.length; i++) many[i] = c.allocLarge(8);
        for (MSpan m : many) c.freeLarge(m);
        c.freeLarge(s);
        assertEquals(MCache.PAGE_CACHE_PAGES * (long) SizeClasses.PAGE_SIZE, c.cachedBytes(), "64 pages at most");
        MSpan big = c.allocLarge(MCache.PAGE_CACHE_MAX_RUN + 1);
        c.freeLarge(big);
        assertEquals(MCache.PAGE_CACHE_PAGES * (long) SizeClasses.PAGE_SIZE, c.cachedBytes(), "larger runs are not cached");
        c.disown();
        MStats st = h.readMemStats();
        assertEquals(st.mallocs(), st.frees());
        assertEquals(MCache.PAGE_CACHE_PAGES * (long) SizeClasses.PAGE_SIZE, st.heapInuse());
        h.dropCache(c);
        assertEquals(0, h.readMemStats().heapInuse());
    }

    @Test
    void providerHookChoosesTheCache() {
        MCache mine = h.newCache();
        h.setCacheProvider(() -> mine);
        assertSame(mine, h.cache());
        h.setCacheProvider(null);
        assertSame(h.stripedCache(), h.cache());
        h.dropCache(mine);
    }
}
