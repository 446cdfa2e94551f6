package dev.gort.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Many threads allocating and freeing random sizes (small and large), each buffer filled with its
 * own pattern and checked before it is freed, some freed by another thread than the one that
 * allocated it; no address is handed out twice; a reader takes stats all along and checks their
 * invariants; at the end the heap is empty and Mallocs == Frees.
 *
 * <p>Platform threads (more than the striped caches, so some share one and take the central path);
 * goroutines across Ps come when the runtime wires a cache per P. Bounded: 1.5 s times
 * {@code gort.stress.scale} per mode; {@code -Dgort.stress.seed=S} replays the random choices.
 */
class HeapStressTest {
    static final int SCALE = Math.max(1, Integer.getInteger("gort.stress.scale", 1));
    static final long SEED = Long.getLong("gort.stress.seed", System.nanoTime());
    static final long RUN_NANOS = 1_500_000_000L * SCALE;
    static final int THREADS = 12;

    @Test
    void unchecked() throws Exception {
        run(false);
    }

    @Test
    void checked() throws Exception {
        run(true);
    }

    /** A size: mostly small, some large, a few above the page cache's runs. */
    static long size(SplittableRandom r) {
        int k = r.nextInt(100);
        if (k < 70) return 1 + r.nextInt(k < 35 ? 512 : 32768);
        if (k < 97) return 32769 + r.nextInt(96 << 10);
        return (256 << 10) + r.nextInt(1 << 20);
    }

    /** Random bytes; buffer {@code id} holds the run starting at an offset chosen by its id (so that two buffers differ). */
    static final MemorySegment RANDOM;

    static {
        byte[] r = new byte[3 << 20];
        new SplittableRandom(SEED).nextBytes(r);
        RANDOM = MemorySegment.ofArray(r);
    }

    static long offset(long id) {
        return (id * 0x9E3779B97F4A7C15L >>> 44) & ((1 << 20) - 1);
    }

    static void fill(Buffer b, long id) {
        MemorySegment m = b.segment();
        MemorySegment.copy(RANDOM, offset(id), m, 0, m.byteSize());
    }

    static void check(Buffer b, long id) {
        MemorySegment m = b.segment();
        long at = m.mismatch(RANDOM.asSlice(offset(id), m.byteSize()));
        if (at >= 0) throw new AssertionError("buffer " + id + " " + b + " corrupted at byte " + at + " (seed " + SEED + ")");
    }

    record Live(Buffer b, long id) {}

    void run(boolean checkedMode) throws Exception {
        System.out.println("HeapStressTest checked=" + checkedMode + " seed " + SEED);
        try (Heap heap = Heap.builder().checked(checkedMode).build()) {
            Set<Long> liveAddrs = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<Live> handoff = new ConcurrentLinkedQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong ids = new AtomicLong(), ops = new AtomicLong();
            long end = System.nanoTime() + RUN_NANOS;
            CountDownLatch done = new CountDownLatch(THREADS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SplittableRandom r = new SplittableRandom(SEED + t);
                threads.add(Thread.ofPlatform().name("heap-stress-" + t).start(() -> {
                    List<Live> mine = new ArrayList<>();
                    try {
                        long n = 0;
                        while (System.nanoTime() < end && failure.get() == null) {
                            int what = r.nextInt(10);
                            if (what < 5 || mine.isEmpty()) {
                                Buffer b = heap.allocate(size(r));
                                long id = ids.incrementAndGet();
                                if (!liveAddrs.add(b.address())) throw new AssertionError("address handed out twice: " + b);
                                fill(b, id);
                                mine.add(new Live(b, id));
                                if (mine.size() > 64) release(mine.remove(r.nextInt(mine.size())), liveAddrs);
                            } else if (what < 8) {
                                release(mine.remove(r.nextInt(mine.size())), liveAddrs);
                            } else if (what < 9) {
                                handoff.add(mine.remove(r.nextInt(mine.size()))); // freed by another thread
                            } else {
                                Live l = handoff.poll();
                                if (l != null) release(l, liveAddrs);
                            }
                            n++;
                        }
                        for (Live l : mine) release(l, liveAddrs);
                        ops.addAndGet(n);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }));
            }
            // a stats reader alongside: the snapshot is consistent at every moment
            long reads = 0;
            while (done.getCount() > 0) {
                MemStats st = heap.memStats();
                assertEquals(st.heapSys() - st.heapInuse(), st.heapIdle(), st.toString());
                assertTrue(st.heapReleased() <= st.heapIdle(), st.toString());
                assertEquals(st.mallocs() - st.frees(), st.heapObjects(), st.toString());
                assertTrue(st.heapObjects() >= 0 && st.heapObjects() <= (long) THREADS * 65 + ids.get(), st.toString());
                reads++;
                Thread.sleep(5);
            }
            for (Thread t : threads) t.join();
            if (failure.get() != null) throw new AssertionError("seed " + SEED, failure.get());
            for (Live l; (l = handoff.poll()) != null; ) release(l, liveAddrs);
            assertTrue(liveAddrs.isEmpty());

            heap.freeOSMemory();
            MemStats st = heap.memStats();
            System.out.printf("HeapStressTest checked=%s: %d ops, %d buffers, %d stats reads, %s%n", checkedMode, ops.get(),
                    ids.get(), reads, st);
            assertEquals(ids.get(), st.mallocs());
            assertEquals(st.mallocs(), st.frees());
            assertEquals(0, st.heapObjects());
            assertEquals(0, st.heapInuse(), "every span back on the heap");
            assertEquals(st.heapSys(), st.heapReleased());
            assertEquals(0, st.leaks());
        }
    }

    static void release(Live l, Set<Long> liveAddrs) {
        check(l.b(), l.id());
        assertTrue(liveAddrs.remove(l.b().address()));
        l.b().free();
    }
}
