package dev.gort.runtime;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;
import dev.gort.mem.Buffer;
import dev.gort.mem.Heap;
import dev.gort.mem.MemStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The span heap wired into the scheduler: one cache per P used by the goroutines on it, the caches
 * of destroyed Ps flushed by sysmon, and sysmon's scavenger giving idle spans back to the OS.
 */
@Timeout(120)
class MallocTest {
    static final long SEED = Long.getLong("gort.stress.seed", System.nanoTime());

    static Sched sched(GortRuntime rt) throws Exception {
        var f = GortRuntime.class.getDeclaredField("sched");
        f.setAccessible(true);
        return (Sched) f.get(rt);
    }

    /**
     * Goroutines on every P (GOMAXPROCS 4 on this 2-core machine, more than the cores) allocate
     * and free random sizes, small and large, each buffer filled with its own pattern and checked
     * before it is freed, some freed by another goroutine; no address is handed out twice; at the
     * end every P has its own cache, the heap holds as many objects as before, and Mallocs - Frees
     * did not move.
     */
    @Test
    void goroutinesOnEveryPAllocateThroughTheirPsCache() throws Exception {
        Heap heap = Heap.defaultHeap();
        MemStats before = heap.memStats();
        int procs = 4, goroutines = 32, ops = 3_000 * TestSupport.scale();
        AtomicLong checked = new AtomicLong(), handedOff = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Set<Long> live = ConcurrentHashMap.newKeySet();
        try (GortRuntime rt = GortRuntime.builder().name("malloc").gomaxprocs(procs).build()) {
            Sched s = sched(rt);
            dev.gort.Chan<Buffer> exchange = new dev.gort.Chan<>(64);
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                for (int g = 0; g < goroutines; g++) {
                    int id = g;
                    wg.add(1);
                    Gort.go(() -> {
                        try {
                            churn(heap, new SplittableRandom(SEED + id), ops, live, checked, exchange, handedOff);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        } finally {
                            wg.done();
                        }
                    });
                }
                wg.await();
                exchange.close();
                for (Buffer b : exchange) free(b, live, checked); // the ones nobody took
                return null;
            });
            if (failure.get() != null) throw new AssertionError("seed " + SEED, failure.get());
            for (P pp : s.allp) assertNotNull(pp.mcache, "P" + pp.id + " never got a cache: did its goroutines allocate?");
        }
        MemStats after = heap.memStats();
        assertTrue(live.isEmpty(), live.size() + " buffers still marked live");
        assertEquals(before.heapObjects(), after.heapObjects(), "objects left behind (seed " + SEED + ")");
        assertEquals(before.mallocs() - before.frees(), after.mallocs() - after.frees());
        assertTrue(after.mallocs() - before.mallocs() >= (long) goroutines * ops / 2, "allocations counted: " + after);
        assertTrue(checked.get() >= (long) goroutines * ops / 2);
        assertTrue(handedOff.get() > 0, "no buffer was freed by another goroutine");
        assertEquals(after.heapSys() - after.heapInuse(), after.heapIdle(), "HeapIdle = HeapSys - HeapInuse");
    }

    private static void churn(Heap heap, SplittableRandom r, int ops, Set<Long> live, AtomicLong checked,
                              dev.gort.Chan<Buffer> exchange, AtomicLong handedOff) {
        ArrayDeque<Buffer> mine = new ArrayDeque<>();
        for (int i = 0; i < ops; i++) {
            if (mine.size() < 8 && r.nextInt(3) != 0) {
                long n = r.nextInt(10) < 8 ? 1 + r.nextInt(32 << 10) : (32 << 10) + 1 + r.nextInt(128 << 10);
                Buffer b = heap.allocate(n);
                assertTrue(live.add(b.address()), "address handed out twice: " + Long.toHexString(b.address()));
                fill(b);
                mine.add(b);
                if (r.nextInt(16) == 0) {
                    Buffer x = mine.pollLast();
                    if (exchange.trySend(x)) handedOff.incrementAndGet(); else mine.add(x);
                }
            } else if (!mine.isEmpty()) {
                free(r.nextBoolean() ? mine.pollFirst() : mine.pollLast(), live, checked);
            }
            if (r.nextInt(32) == 0) {
                var got = exchange.tryRecv();
                if (got != null && got.ok() && got.value() != null) free(got.value(), live, checked);
            }
            if ((i & 255) == 0) Gort.gosched(); // move between Ps
        }
        while (!mine.isEmpty()) free(mine.poll(), live, checked);
    }

    /** A pattern of the buffer's own: its address and its size, over every word. */
    private static void fill(Buffer b) {
        MemorySegment m = b.segment();
        long seed = b.address() ^ (b.size() << 40);
        long n = b.size() / 8;
        for (long k = 0; k < n; k++) m.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, k, seed + k);
        for (long k = n * 8; k < b.size(); k++) m.set(ValueLayout.JAVA_BYTE, k, (byte) (seed + k));
    }

    private static void free(Buffer b, Set<Long> live, AtomicLong checked) {
        MemorySegment m = b.segment();
        long seed = b.address() ^ (b.size() << 40);
        long n = b.size() / 8;
        for (long k = 0; k < n; k++) {
            long v = m.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, k);
            if (v != seed + k) throw new AssertionError("buffer at " + Long.toHexString(b.address()) + " corrupt at word " + k);
        }
        for (long k = n * 8; k < b.size(); k++) {
            if (m.get(ValueLayout.JAVA_BYTE, k) != (byte) (seed + k)) throw new AssertionError("corrupt tail byte " + k);
        }
        assertTrue(live.remove(b.address()));
        checked.incrementAndGet();
        b.free();
    }

    /** GOMAXPROCS shrinks: the caches of the destroyed Ps go to sysmon, which flushes them into the heap. */
    @Test
    void destroyedPsCachesAreFlushedBySysmon() throws Exception {
        Heap heap = Heap.defaultHeap();
        try (GortRuntime rt = GortRuntime.builder().name("malloc-resize").gomaxprocs(4)
                .scavengeLimit(Duration.ofMillis(200)).build()) {
            Sched s = sched(rt);
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                for (int g = 0; g < 8; g++) {
                    wg.add(1);
                    Gort.go(() -> { // 150 ms of allocation each: long enough for idle Ps to be started for them
                        long end = System.nanoTime() + 150_000_000L;
                        while (System.nanoTime() < end) {
                            heap.allocate(4096).free();
                            Gort.checkpoint();
                        }
                        wg.done();
                    });
                }
                wg.await();
                return null;
            });
            long withCaches = 0;
            for (P pp : s.allp) if (pp.mcache != null) withCaches++;
            assertTrue(withCaches >= 2, "goroutines on several Ps made several caches: " + withCaches);
            rt.run(() -> Gort.gomaxprocs(1));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!s.orphanedCaches.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(s.orphanedCaches.isEmpty(), "sysmon did not flush the destroyed Ps' caches");
            assertEquals(1, s.allp.length);
        }
    }

    /**
     * sysmon's scavenger (Go ≤1.12): with the limit at 300 ms, 64 MiB written and freed by goroutines
     * are given back to the OS within a few seconds: HeapReleased covers them, and schedtrace counts
     * the scavenges.
     */
    @Test
    void sysmonScavengesFreedSpansAfterTheLimit() throws Exception {
        Heap heap = Heap.defaultHeap();
        long mib = 1 << 20;
        try (GortRuntime rt = GortRuntime.builder().name("scavenger").gomaxprocs(2)
                .scavengeLimit(Duration.ofMillis(300)).build()) {
            Sched s = sched(rt);
            rt.run(() -> {
                Buffer[] bs = new Buffer[1024];
                for (int i = 0; i < bs.length; i++) {
                    bs[i] = heap.allocate(64 << 10);
                    bs[i].segment().fill((byte) i);
                }
                for (Buffer b : bs) b.free();
                return null;
            });
            MemStats freed = heap.memStats();
            long deadline = System.nanoTime() + 20_000_000_000L;
            MemStats st = freed;
            while (System.nanoTime() < deadline) {
                st = heap.memStats();
                if (st.heapIdle() - st.heapReleased() < 4 * mib && s.scavengedBytes > 0) break;
                Thread.sleep(20);
            }
            assertTrue(s.nscavenge > 0, "sysmon never scavenged");
            assertTrue(st.heapIdle() - st.heapReleased() < 4 * mib,
                    "idle but not released: " + (st.heapIdle() - st.heapReleased()) / mib + " MiB; after the frees " + freed + ", now " + st);
            assertTrue(rt.schedtrace(false).contains(" scvg="), rt.schedtrace(false));
        }
    }
}
