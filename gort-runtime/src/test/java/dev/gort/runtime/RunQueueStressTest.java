package dev.gort.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The local run queue under real concurrency: owners putting and getting, thieves stealing;
 * every G must come out exactly once. Go: proc_test.go TestSchedLocalQueueSteal (made
 * concurrent) and TestSchedLocalQueueEmpty.
 *
 * <p>Bounded: each round runs for 400 ms times {@code gort.stress.scale}, or until it has put
 * {@link #MAX_IDS} Gs (about 6 s for the class at scale 1 on two cores). Each round prints its
 * seed and counters; a failure message carries the seed, and {@code -Dgort.stress.seed=S}
 * replays the same random choices (not the same interleaving, of course).
 */
class RunQueueStressTest {
    static final int SCALE = Math.max(1, Integer.getInteger("gort.stress.scale", 1));
    static final long SEED = Long.getLong("gort.stress.seed", System.nanoTime());
    static final long ROUND_NANOS = 400_000_000L * SCALE;
    static final int[] CAPACITIES = {2, 4, 8, 16, 64, 256};
    /**
     * Most spin-wait hints a running G "works" for (arbitrary). With none, an owner fills and
     * overflows its ring far faster than thieves can steal; with some, steals take a real share.
     */
    static final int[] WORK = {0, 32, 128, 512};
    /** Ids per round; a round stops producing when it runs out (arbitrary: 8 MB of counters). */
    static final int MAX_IDS = (1 << 20) * Math.min(SCALE, 8);
    /** A round still running this long after its end is a hang (a lost G, a livelock): fail. */
    static final long HANG_NANOS = 20_000_000_000L;

    static G g(int id) {
        return new G(null, id, 0, null, false);
    }

    /** Counts how often each G id came out of the queues, from any thread. */
    static final class Ledger {
        final AtomicIntegerArray seen = new AtomicIntegerArray(MAX_IDS);
        /** 1 for a G that put returned at the end of an overflow batch: it never entered the ring. */
        final AtomicIntegerArray overflowGp = new AtomicIntegerArray(MAX_IDS);
        final AtomicReference<String> error = new AtomicReference<>();

        void take(G gp) {
            seen.incrementAndGet((int) gp.goid);
        }

        void error(String msg) {
            error.compareAndSet(null, msg);
        }

        /** Ids [0, produced) each seen exactly once, nothing else seen, no error recorded. */
        void assertExactlyOnce(String round, int produced) {
            List<Integer> lost = new ArrayList<>(), dup = new ArrayList<>();
            int nLost = 0, nDup = 0;
            for (int i = 0; i < MAX_IDS; i++) {
                int want = i < produced ? 1 : 0;
                int c = seen.get(i);
                if (c < want && nLost++ < 10) lost.add(i);
                if (c > want && nDup++ < 10) dup.add(i);
            }
            if (nLost != 0 || nDup != 0) {
                fail(round + ": of " + produced + " Gs, " + nLost + " lost (first " + lost + "), "
                        + nDup + " duplicated or never put (first " + dup + ")");
            }
            if (error.get() != null) fail(round + ": " + error.get());
        }
    }

    /** Spins until done, yielding now and then so that an oversubscribed machine moves on. */
    static boolean spinUntil(BooleanSupplier done, long deadline) {
        for (int spins = 1; !done.getAsBoolean(); spins++) {
            if ((spins & 255) == 0) {
                if (System.nanoTime() - deadline > 0) return false;
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        return true;
    }

    /** Simulated work of a running G: up to max spin-wait hints. */
    static void work(SplittableRandom r, int max) {
        for (int i = r.nextInt(max + 1); i > 0; i--) Thread.onSpinWait();
    }

    static void join(Thread t, long deadline, String round) throws InterruptedException {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        if (t.isAlive()) fail(round + ": thread " + t.getName() + " did not finish (hang?)");
    }

    static List<Long> ids(List<G> gs) {
        List<Long> out = new ArrayList<>();
        for (G gp : gs) out.add(gp.goid);
        return out;
    }

    /**
     * One owner puts Gs (some with next=true) and gets some of them; 1 to 3 thieves steal into
     * their own queues and run (get) what they stole. Overflow batches count as moved to the
     * global queue. Without next=true the ring is one FIFO, so every consumer must also see ids
     * in increasing order, and each steal must take a contiguous run of the ring.
     */
    @Test
    void ownerAndThievesSeeEveryGExactlyOnce() throws Exception {
        SplittableRandom seeds = new SplittableRandom(SEED);
        long steals = 0;
        for (int round = 0; round < 8; round++) {
            long seed = seeds.nextLong();
            SplittableRandom rnd = new SplittableRandom(seed);
            int capacity = CAPACITIES[rnd.nextInt(CAPACITIES.length)];
            int thieves = 1 + rnd.nextInt(3);
            boolean useNext = (round & 1) == 1;
            int getPercent = 5 + rnd.nextInt(60);
            int work = WORK[rnd.nextInt(WORK.length)];
            String name = String.format("round %d seed %d (capacity %d, %d thieves, next %b, get %d%%, work %d)",
                    round, seed, capacity, thieves, useNext, getPercent, work);
            steals += ownerAndThievesRound(name, rnd, capacity, thieves, useNext, getPercent, work);
        }
        // Some steals must have succeeded, or nothing concurrent was tested. (Not per round: on
        // a loaded machine one round's thieves may not get a CPU in time.)
        assertTrue(steals > 0, "no steal succeeded in any round");
    }

    private static long ownerAndThievesRound(String name, SplittableRandom rnd, int capacity, int nthieves,
                                             boolean useNext, int getPercent, int work) throws Exception {
        RunQueue victim = new RunQueue(capacity);
        Ledger ledger = new Ledger();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicLong steals = new AtomicLong(), stolen = new AtomicLong();
        List<Thread> thieves = new ArrayList<>();
        List<RunQueue> thiefQueues = new ArrayList<>();
        for (int k = 0; k < nthieves; k++) {
            long tseed = rnd.nextLong();
            RunQueue mine = new RunQueue(capacity);
            thiefQueues.add(mine);
            Thread t = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(tseed);
                boolean[] inherit = new boolean[1];
                long lastMax = -1;
                List<G> batch = new ArrayList<>();
                started.incrementAndGet();
                while (done.get() == 0) {
                    // Go steals runnext only in the last of its four rounds; mix both. A running
                    // victim makes the thief back off 3 us before taking runnext.
                    G gp = mine.steal(victim, r.nextInt(4) == 0, r.nextInt(64) == 0);
                    if (gp == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    // Our ring was empty, so it now holds exactly the rest of the stolen run.
                    batch.clear();
                    for (G x; (x = mine.get(inherit)) != null; ) {
                        if (inherit[0]) ledger.error("a thief's own runnext was set");
                        batch.add(x);
                        work(r, work);
                    }
                    batch.add(gp); // the returned G is the last one of the stolen run
                    steals.incrementAndGet();
                    stolen.addAndGet(batch.size());
                    if (batch.size() > Math.max(1, capacity / 2)) ledger.error("stole " + batch.size() + " > half");
                    for (G x : batch) ledger.take(x);
                    if (!useNext) {
                        // A contiguous run of the ring: ids ascend, and an id is skipped only if
                        // it went straight into an overflow batch (put's gp never enters the ring).
                        for (int i = 1; i < batch.size(); i++) {
                            long a = batch.get(i - 1).goid, b = batch.get(i).goid;
                            boolean ok = a < b;
                            for (long skipped = a + 1; ok && skipped < b; skipped++) {
                                ok = ledger.overflowGp.get((int) skipped) != 0;
                            }
                            if (!ok) ledger.error("steal batch not a contiguous run of the ring: " + ids(batch));
                        }
                        if (batch.get(0).goid <= lastMax) {
                            ledger.error("thief saw id " + batch.get(0).goid + " after " + lastMax);
                        }
                        lastMax = batch.get(batch.size() - 1).goid;
                    }
                }
            }, "thief-" + k);
            t.setUncaughtExceptionHandler((th, e) -> ledger.error(th.getName() + " threw " + e));
            t.setDaemon(true);
            thieves.add(t);
        }
        for (Thread t : thieves) t.start();
        long roundEnd = System.nanoTime() + ROUND_NANOS;
        if (!spinUntil(() -> started.get() == nthieves, roundEnd + HANG_NANOS)) fail(name + ": thieves did not start");

        // The owner: this thread.
        boolean[] inherit = new boolean[1];
        long lastGot = -1;
        int overflows = 0, n = 0;
        for (; n < MAX_IDS; n++) {
            if ((n & 255) == 0 && System.nanoTime() - roundEnd > 0) break;
            work(rnd, work); // the running G, which readies a new G:
            G batch = victim.put(g(n), useNext && rnd.nextInt(4) == 0);
            if (batch != null) {
                overflows++;
                int len = 0;
                long prev = -1;
                for (G x = batch; x != null; x = x.schedlink) {
                    ledger.take(x);
                    len++;
                    if (x.schedlink == null) {
                        if (!useNext && x.goid != n) ledger.error("overflow batch ends with " + x.goid + ", not gp " + n);
                        // Thieves see this before they see any later G: the next put's release
                        // store of tail publishes it.
                        ledger.overflowGp.set((int) x.goid, 1);
                    } else if (!useNext && (x.goid <= prev || x.goid <= lastGot)) {
                        ledger.error("overflow batch id " + x.goid + " after " + Math.max(prev, lastGot));
                    }
                    prev = x.goid;
                }
                if (len != capacity / 2 + 1) ledger.error("overflow batch of " + len + " for capacity " + capacity);
            }
            if (rnd.nextInt(100) < getPercent) {
                G gp = victim.get(inherit);
                if (gp != null) {
                    ledger.take(gp);
                    if (!useNext) {
                        if (inherit[0]) ledger.error("inheritTime without runnext");
                        if (gp.goid <= lastGot) ledger.error("owner got " + gp.goid + " after " + lastGot);
                        lastGot = gp.goid;
                    }
                    work(rnd, work);
                }
            }
        }
        done.set(1);
        for (Thread t : thieves) join(t, roundEnd + HANG_NANOS, name);
        for (G x = victim.drain(); x != null; x = x.schedlink) ledger.take(x);

        ledger.assertExactlyOnce(name, n);
        assertTrue(victim.isEmpty(), name);
        assertEquals(0, victim.size(), name);
        for (RunQueue q : thiefQueues) assertTrue(q.isEmpty(), name + ": a thief kept Gs");
        System.out.printf("RunQueueStressTest %s: %d Gs, %d steals took %d, %d overflows%n",
                name, n, steals.get(), stolen.get(), overflows);
        return steals.get();
    }

    /**
     * Several Ps, each the owner of its queue and a thief of the others, as in the scheduler:
     * each puts new Gs (some with next=true), runs (gets) Gs, and when its queue is empty
     * steals from a random other P, sometimes its runnext. So a P's queue is stolen from while
     * it steals into it. Overflow batches go to the global queue (counted). Every G once.
     */
    @Test
    void psStealingFromEachOtherSeeEveryGExactlyOnce() throws Exception {
        SplittableRandom seeds = new SplittableRandom(SEED ^ 0x9E3779B97F4A7C15L);
        long steals = 0;
        for (int round = 0; round < 6; round++) {
            long seed = seeds.nextLong();
            SplittableRandom rnd = new SplittableRandom(seed);
            int capacity = CAPACITIES[rnd.nextInt(CAPACITIES.length)];
            int nprocs = 2 + rnd.nextInt(3);
            int work = WORK[rnd.nextInt(WORK.length)];
            String name = String.format("round %d seed %d (capacity %d, %d Ps, work %d)",
                    round, seed, capacity, nprocs, work);
            steals += psRound(name, rnd, capacity, nprocs, work);
        }
        assertTrue(steals > 0, "no steal succeeded in any round");
    }

    private static long psRound(String name, SplittableRandom rnd, int capacity, int nprocs, int work)
            throws Exception {
        Ledger ledger = new Ledger();
        RunQueue[] runqs = new RunQueue[nprocs];
        for (int i = 0; i < nprocs; i++) runqs[i] = new RunQueue(capacity);
        AtomicInteger nextId = new AtomicInteger();
        AtomicInteger produced = new AtomicInteger(), consumed = new AtomicInteger();
        AtomicInteger producersDone = new AtomicInteger(), gate = new AtomicInteger();
        AtomicLong steals = new AtomicLong();
        long roundEnd = System.nanoTime() + ROUND_NANOS;
        long hang = roundEnd + HANG_NANOS;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < nprocs; p++) {
            int me = p;
            long pseed = rnd.nextLong();
            Thread t = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(pseed);
                RunQueue mine = runqs[me];
                boolean[] inherit = new boolean[1];
                boolean producing = true;
                int putPercent = 20 + r.nextInt(60);
                gate.incrementAndGet();
                if (!spinUntil(() -> gate.get() == nprocs, hang)) return;
                for (long spins = 0; ; spins++) {
                    if ((spins & 255) == 0) {
                        long now = System.nanoTime();
                        if (producing && now - roundEnd > 0) {
                            producing = false;
                            producersDone.incrementAndGet();
                        }
                        if (now - hang > 0) return;
                    }
                    // (>=: a duplicating queue must end the round too, and then fail it.)
                    if (!producing && producersDone.get() == nprocs && consumed.get() >= produced.get()) return;
                    if (producing && r.nextInt(100) < putPercent) {
                        int id = nextId.getAndIncrement();
                        if (id >= MAX_IDS) {
                            producing = false;
                            producersDone.incrementAndGet();
                            continue;
                        }
                        work(r, work); // the running G, which readies a new G:
                        produced.incrementAndGet(); // before put: consumed never passes produced
                        G batch = mine.put(g(id), r.nextInt(5) == 0);
                        int len = 0;
                        for (G x = batch; x != null; x = x.schedlink) {
                            ledger.take(x);
                            len++;
                        }
                        if (len != 0 && len != capacity / 2 + 1) ledger.error("overflow batch of " + len);
                        consumed.addAndGet(len);
                        continue;
                    }
                    G gp = mine.get(inherit);
                    if (gp == null) {
                        // Our ring is empty (only we fill it), so a stolen half fits: steal.
                        int victim = r.nextInt(nprocs - 1);
                        if (victim >= me) victim++;
                        gp = mine.steal(runqs[victim], r.nextInt(4) == 0, r.nextInt(64) == 0);
                        if (gp != null) steals.incrementAndGet();
                    }
                    if (gp != null) {
                        ledger.take(gp);
                        consumed.incrementAndGet();
                        work(r, work);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }, "p" + p);
            t.setUncaughtExceptionHandler((th, e) -> ledger.error(th.getName() + " threw " + e));
            t.setDaemon(true);
            threads.add(t);
        }
        for (Thread t : threads) t.start();
        for (Thread t : threads) join(t, hang + 1_000_000_000L, name);
        if (consumed.get() != produced.get()) {
            fail(name + ": consumed " + consumed.get() + " of " + produced.get() + " Gs (lost Gs?)");
        }
        ledger.assertExactlyOnce(name, produced.get());
        for (RunQueue q : runqs) assertTrue(q.isEmpty(), name + ": a queue still holds Gs");
        System.out.printf("RunQueueStressTest %s: %d Gs, %d steals%n", name, produced.get(), steals.get());
        return steals.get();
    }

    /**
     * isEmpty must never say empty while a G is queued, even while put moves the old runnext
     * into the ring and get takes runnext. Go: TestSchedLocalQueueEmpty, with a long-lived
     * checker thread in place of a goroutine per iteration.
     */
    @Test
    void isEmptyIsNeverSpuriouslyTrue() throws Exception {
        int maxIters = 200_000 * SCALE;
        RunQueue q = new RunQueue(4);
        G g0 = g(0), g1 = g(1);
        AtomicInteger ready = new AtomicInteger();
        AtomicInteger checked = new AtomicInteger(-1);
        AtomicInteger stopAt = new AtomicInteger(Integer.MAX_VALUE);
        AtomicReference<String> failure = new AtomicReference<>();
        long end = System.nanoTime() + 2 * ROUND_NANOS;
        long hang = end + HANG_NANOS;
        Thread checker = new Thread(() -> {
            for (int i = 0; ; i++) {
                // Rendezvous with the owner: both add one, both wait for 2(i+1).
                ready.incrementAndGet();
                int iter = i;
                if (!spinUntil(() -> ready.get() >= 2 * (iter + 1) || stopAt.get() <= iter, hang)) return;
                if (stopAt.get() <= i) return;
                if (q.isEmpty()) {
                    failure.compareAndSet(null, "queue reported empty at iteration " + i
                            + " (next0 " + ((i & 1) == 0) + ", next1 " + ((i & 2) == 0) + ")");
                }
                checked.set(i);
            }
        }, "isEmpty-checker");
        checker.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, "checker threw " + e));
        checker.setDaemon(true);
        checker.start();
        boolean[] inherit = new boolean[1];
        int i = 0;
        for (; i < maxIters; i++) {
            if ((i & 255) == 0 && System.nanoTime() - end > 0) break;
            boolean next0 = (i & 1) == 0, next1 = (i & 2) == 0;
            assertNull(q.put(g0, next0));
            ready.incrementAndGet();
            int iter = i;
            if (!spinUntil(() -> ready.get() >= 2 * (iter + 1), hang)) fail("checker thread stalled");
            assertNull(q.put(g1, next1));
            assertNotNull(q.get(inherit));
            if (!spinUntil(() -> checked.get() >= iter, hang)) fail("checker thread stalled");
            assertNotNull(q.get(inherit));
            assertTrue(q.isEmpty());
        }
        stopAt.set(i);
        join(checker, hang, "isEmpty");
        if (failure.get() != null) fail(failure.get());
        System.out.printf("RunQueueStressTest isEmpty: %d iterations%n", i);
        assertTrue(i > 0);
    }
}
