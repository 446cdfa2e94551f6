package dev.gort.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Single-threaded tests of the local run queue: put/get round trips, runnext, overflow to the
 * global queue, drain, steal. Go: proc_test.go TestSchedLocalQueue, TestSchedLocalQueueSteal.
 */
class RunQueueTest {

    static G g(long id) {
        return new G(null, id, 0, null, false);
    }

    static G[] gs(int n) {
        G[] a = new G[n];
        for (int i = 0; i < n; i++) a[i] = g(i);
        return a;
    }

    /** The G list linked through schedlink, as put's overflow batch and drain return it. */
    static List<G> list(G head) {
        List<G> out = new ArrayList<>();
        for (G gp = head; gp != null; gp = gp.schedlink) {
            out.add(gp);
            if (out.size() > 1_000_000) throw new AssertionError("schedlink cycle");
        }
        return out;
    }

    /** Everything get returns until empty, checking inheritTime is false (the ring only). */
    static List<G> getAll(RunQueue q) {
        List<G> out = new ArrayList<>();
        boolean[] inherit = new boolean[1];
        for (G gp; (gp = q.get(inherit)) != null; ) {
            assertFalse(inherit[0], "a G from the ring must not inherit the time slice");
            out.add(gp);
        }
        return out;
    }

    /** Moves head and tail of q to start (an empty ring), to exercise int wrap-around. */
    static void setIndices(RunQueue q, int start) throws ReflectiveOperationException {
        MethodHandles.Lookup l = MethodHandles.privateLookupIn(RunQueue.class, MethodHandles.lookup());
        VarHandle head = l.findVarHandle(RunQueue.class, "head", int.class);
        VarHandle tail = l.findVarHandle(RunQueue.class, "tail", int.class);
        assertTrue(q.isEmpty());
        head.setVolatile(q, start);
        tail.setVolatile(q, start);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 256})
    void putGetRoundTripsOfEveryLengthAreFifo(int capacity) {
        RunQueue q = new RunQueue(capacity);
        assertEquals(capacity, q.capacity());
        boolean[] inherit = new boolean[1];
        G[] a = gs(capacity);
        // Every length from 0 to a full ring; head and tail wrap around the ring many times.
        for (int round = 0; round < 3; round++) {
            for (int n = 0; n <= capacity; n++) {
                assertNull(q.get(inherit), "queue not empty initially");
                assertTrue(q.isEmpty());
                for (int j = 0; j < n; j++) {
                    assertNull(q.put(a[j], false), "put into a ring with room must not overflow");
                    assertEquals(j + 1, q.size());
                    assertFalse(q.isEmpty());
                }
                assertFalse(q.hasRunnext());
                for (int j = 0; j < n; j++) {
                    assertSame(a[j], q.get(inherit), "bad element at iteration " + n + "/" + j);
                    assertFalse(inherit[0]);
                    assertEquals(n - j - 1, q.size());
                }
                assertNull(q.get(inherit), "queue not empty afterwards");
                assertTrue(q.isEmpty());
                assertEquals(0, q.size());
            }
        }
    }

    @Test
    void putNextGoesToRunnextAndGetReturnsItFirstWithInheritTime() {
        RunQueue q = new RunQueue(8);
        boolean[] inherit = new boolean[1];
        G a = g(1), r = g(2);
        assertNull(q.put(a, false));
        assertNull(q.put(r, true));
        assertTrue(q.hasRunnext());
        assertEquals(1, q.size(), "size counts the ring only, not runnext");
        assertSame(r, q.get(inherit));
        assertTrue(inherit[0], "runnext inherits the time slice");
        assertFalse(q.hasRunnext());
        assertSame(a, q.get(inherit));
        assertFalse(inherit[0]);
        assertNull(q.get(inherit));
        assertFalse(inherit[0]);
    }

    @Test
    void runnextAloneMakesTheQueueNonEmpty() {
        RunQueue q = new RunQueue(4);
        G r = g(1);
        assertNull(q.put(r, true));
        assertFalse(q.isEmpty());
        assertEquals(0, q.size());
        assertSame(r, q.drain());
        assertTrue(q.isEmpty());
        assertFalse(q.hasRunnext());
    }

    @Test
    void putNextReplacesRunnextAndKicksTheOldOneToTheTail() {
        RunQueue q = new RunQueue(8);
        boolean[] inherit = new boolean[1];
        G a = g(1), b = g(2), x = g(3), y = g(4), z = g(5);
        assertNull(q.put(a, false));
        assertNull(q.put(x, true));
        assertNull(q.put(b, false));
        assertNull(q.put(y, true)); // x goes to the tail, after b
        assertEquals(3, q.size());
        assertNull(q.put(z, true)); // y goes to the tail, after x
        assertEquals(4, q.size());
        assertSame(z, q.get(inherit));
        assertTrue(inherit[0]);
        assertEquals(List.of(a, b, x, y), getAll(q));
        assertTrue(q.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 256})
    void putIntoAFullRingReturnsHalfTheRingPlusGpAndLeavesItHalfFull(int capacity) {
        RunQueue q = new RunQueue(capacity);
        G[] a = gs(capacity + 1);
        for (int i = 0; i < capacity; i++) assertNull(q.put(a[i], false));
        assertEquals(capacity, q.size());

        List<G> batch = list(q.put(a[capacity], false));
        List<G> want = new ArrayList<>();
        for (int i = 0; i < capacity / 2; i++) want.add(a[i]);
        want.add(a[capacity]);
        assertEquals(want, batch, "the overflow batch is the older half of the ring, then gp");
        assertEquals(capacity / 2, q.size());
        List<G> rest = new ArrayList<>();
        for (int i = capacity / 2; i < capacity; i++) rest.add(a[i]);
        assertEquals(rest, getAll(q));
    }

    @Test
    void overflowAfterWrapAroundKeepsOrder() {
        RunQueue q = new RunQueue(4);
        boolean[] inherit = new boolean[1];
        // Move head and tail to 3 so the full ring wraps.
        for (int i = 0; i < 3; i++) {
            q.put(g(100 + i), false);
            q.get(inherit);
        }
        G[] a = gs(5);
        for (int i = 0; i < 4; i++) assertNull(q.put(a[i], false));
        assertEquals(List.of(a[0], a[1], a[4]), list(q.put(a[4], false)));
        assertEquals(List.of(a[2], a[3]), getAll(q));
    }

    @Test
    void putNextIntoAFullRingOverflowsWithTheKickedRunnext() {
        RunQueue q = new RunQueue(4);
        boolean[] inherit = new boolean[1];
        G[] a = gs(4);
        G r1 = g(10), r2 = g(11);
        for (G gp : a) assertNull(q.put(gp, false));
        assertNull(q.put(r1, true), "a free runnext takes gp without touching the ring");
        List<G> batch = list(q.put(r2, true));
        assertEquals(List.of(a[0], a[1], r1), batch);
        assertSame(r2, q.get(inherit));
        assertTrue(inherit[0]);
        assertEquals(List.of(a[2], a[3]), getAll(q));
    }

    @Test
    void overflowUntilManyBatchesLosesNothing() {
        RunQueue q = new RunQueue(8);
        List<G> seen = new ArrayList<>();
        G[] a = gs(1000);
        for (G gp : a) {
            G batch = q.put(gp, (gp.goid % 3) == 0);
            seen.addAll(list(batch));
            assertTrue(q.size() <= 8);
        }
        seen.addAll(list(q.drain()));
        assertEquals(a.length, seen.size());
        assertEquals(a.length, seen.stream().distinct().count());
    }

    @Test
    void drainReturnsRunnextThenTheRingInOrderAndEmptiesTheQueue() {
        RunQueue q = new RunQueue(8);
        G[] a = gs(5);
        G r = g(99);
        for (G gp : a) gp.schedlink = r; // stale links must be overwritten
        for (G gp : a) assertNull(q.put(gp, false));
        assertNull(q.put(r, true));
        List<G> drained = list(q.drain());
        assertEquals(List.of(r, a[0], a[1], a[2], a[3], a[4]), drained);
        assertTrue(q.isEmpty());
        assertFalse(q.hasRunnext());
        assertNull(q.drain(), "draining an empty queue gives an empty list");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8, 256})
    void stealTakesHalfRoundedUpAndReturnsTheLastStolen(int capacity) {
        // Go: TestSchedLocalQueueSteal, with exact counts and order.
        for (int n = 0; n <= capacity; n++) {
            RunQueue victim = new RunQueue(capacity);
            RunQueue thief = new RunQueue(capacity);
            G[] a = gs(n);
            for (G gp : a) assertNull(victim.put(gp, false));
            int stolen = n - n / 2;
            G gp = thief.steal(victim, true, false);
            if (n == 0) {
                assertNull(gp);
                assertTrue(thief.isEmpty());
                continue;
            }
            assertSame(a[stolen - 1], gp, "steal returns the last G it took");
            assertEquals(stolen - 1, thief.size());
            assertEquals(n - stolen, victim.size());
            List<G> thiefs = getAll(thief);
            List<G> victims = getAll(victim);
            for (int i = 0; i < stolen - 1; i++) assertSame(a[i], thiefs.get(i));
            for (int i = stolen; i < n; i++) assertSame(a[i], victims.get(i - stolen));
        }
    }

    @Test
    void stealLosesNothingAndDuplicatesNothingForEveryLength() {
        // Go: TestSchedLocalQueueSteal: every G is seen exactly once.
        int capacity = 256;
        RunQueue p1 = new RunQueue(capacity);
        RunQueue p2 = new RunQueue(capacity);
        G[] a = gs(capacity);
        boolean[] inherit = new boolean[1];
        for (int i = 0; i < capacity; i++) {
            int[] sig = new int[capacity];
            for (int j = 0; j < i; j++) p1.put(a[j], false);
            int s = 0;
            G gp = p2.steal(p1, true, false);
            if (gp != null) {
                s++;
                sig[(int) gp.goid]++;
            }
            while ((gp = p2.get(inherit)) != null) {
                s++;
                sig[(int) gp.goid]++;
            }
            while ((gp = p1.get(inherit)) != null) sig[(int) gp.goid]++;
            for (int j = 0; j < i; j++) assertEquals(1, sig[j], "bad element " + j + " at iteration " + i);
            assertTrue(s == i / 2 || s == i / 2 + 1, "bad steal " + s + " of " + i);
        }
    }

    @Test
    void stealTakesRunnextOnlyWhenTheRingIsEmptyAndAllowed() {
        RunQueue victim = new RunQueue(4);
        RunQueue thief = new RunQueue(4);
        G r = g(1), a = g(2);

        assertNull(victim.put(r, true));
        assertNull(thief.steal(victim, false, false), "runnext is not stolen without stealRunNext");
        assertTrue(victim.hasRunnext());

        assertNull(victim.put(a, false));
        assertSame(a, thief.steal(victim, true, false), "a non-empty ring is stolen before runnext");
        assertTrue(victim.hasRunnext());
        assertEquals(0, thief.size());

        assertSame(r, thief.steal(victim, true, false));
        assertFalse(victim.hasRunnext());
        assertTrue(victim.isEmpty());
        assertTrue(thief.isEmpty(), "the stolen runnext is returned, not queued");
        assertNull(thief.steal(victim, true, false));
    }

    @Test
    void stealOfRunnextFromARunningOwnerBacksOffThenTakesIt() {
        RunQueue victim = new RunQueue(4);
        RunQueue thief = new RunQueue(4);
        G r = g(1);
        assertNull(victim.put(r, true));
        long t0 = System.nanoTime();
        assertSame(r, thief.steal(victim, true, true));
        assertTrue(System.nanoTime() - t0 >= 3_000, "the thief backs off about 3 us before taking runnext");
        assertTrue(victim.isEmpty());
    }

    @Test
    void stolenGsRunFromTheThiefsQueueInOrder() {
        RunQueue victim = new RunQueue(8);
        RunQueue thief = new RunQueue(8);
        G[] a = gs(8);
        for (G gp : a) victim.put(gp, false);
        // Wrap the thief's ring first so the stolen batch straddles its end.
        boolean[] inherit = new boolean[1];
        for (int i = 0; i < 6; i++) {
            thief.put(g(100 + i), false);
            thief.get(inherit);
        }
        assertSame(a[3], thief.steal(victim, false, false));
        assertEquals(List.of(a[0], a[1], a[2]), getAll(thief));
        assertEquals(List.of(a[4], a[5], a[6], a[7]), getAll(victim));
    }

    @Test
    void indicesWrapAroundIntOverflow() throws ReflectiveOperationException {
        // Go's head and tail are uint32 and wrap; ours are ints and must wrap the same way.
        int capacity = 8;
        RunQueue q = new RunQueue(capacity);
        RunQueue thief = new RunQueue(capacity);
        setIndices(q, Integer.MAX_VALUE - 3);
        setIndices(thief, -5);
        G[] a = gs(capacity + 1);
        for (int i = 0; i < capacity; i++) {
            assertNull(q.put(a[i], false), "put " + i + " across the int wrap");
            assertEquals(i + 1, q.size());
        }
        List<G> batch = list(q.put(a[capacity], false));
        assertEquals(List.of(a[0], a[1], a[2], a[3], a[8]), batch);
        assertEquals(4, q.size());
        assertSame(a[5], thief.steal(q, false, false));
        assertEquals(1, thief.size());
        assertEquals(2, q.size());
        assertEquals(List.of(a[4]), getAll(thief));
        assertEquals(List.of(a[6], a[7]), getAll(q));
        assertTrue(q.isEmpty());
        assertTrue(thief.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6, 100, -2, -4, Integer.MIN_VALUE})
    void badCapacityIsRejected(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunQueue(capacity));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(Integer.toString(capacity)), e.getMessage());
    }

    @Test
    void smallestCapacitiesWork() {
        for (int capacity : new int[] {2, 4}) {
            RunQueue q = new RunQueue(capacity);
            assertEquals(capacity, q.capacity());
            G[] a = gs(capacity + 2);
            for (int i = 0; i < capacity; i++) assertNull(q.put(a[i], false));
            assertNull(q.put(a[capacity], true));
            List<G> batch = list(q.put(a[capacity + 1], true)); // kicks a[capacity] into a full ring
            assertEquals(capacity / 2 + 1, batch.size());
            assertSame(a[capacity], batch.get(batch.size() - 1));
            List<G> drained = list(q.drain());
            assertSame(a[capacity + 1], drained.get(0));
            assertEquals(1 + capacity / 2, drained.size());
        }
    }
}
