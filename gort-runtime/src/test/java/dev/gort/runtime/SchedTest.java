package dev.gort.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** White-box tests of the scheduler's data structures and decisions, without running goroutines. */
@Timeout(30)
class SchedTest {

    private static G g(long id) {
        return new G(null, id, 0, null, false);
    }

    @Test
    void globrunqgetTakesItsShareAndFillsTheLocalQueue() throws Exception {
        Sched s = TestSupport.newSched(4);
        try {
            P pp = s.allp[0];
            s.lock.lock();
            try {
                for (int i = 0; i < 100; i++) s.globrunqput(g(i));
                assertEquals(100, s.runqsize);
                // n = min(size, size/gomaxprocs + 1) = 26: one returned, 25 to the local queue
                G gp = s.globrunqget(pp, 0);
                assertEquals(0, gp.goid);
                assertEquals(74, s.runqsize);
                assertEquals(25, pp.runq.size());
                // max limits the batch
                G g2 = s.globrunqget(pp, 1);
                assertEquals(26, g2.goid);
                assertEquals(73, s.runqsize);
                // FIFO order in the local queue
                boolean[] inh = new boolean[1];
                for (int i = 1; i <= 25; i++) assertEquals(i, pp.runq.get(inh).goid);
                // drain the rest so that the P is consistent again
                while (s.runqsize > 0) s.globrunqget(pp, 1);
            } finally {
                s.lock.unlock();
            }
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
    }

    @Test
    void globrunqputheadAndBatchKeepOrder() throws Exception {
        Sched s = TestSupport.newSched(1);
        try {
            s.lock.lock();
            try {
                G a = g(1), b = g(2), c = g(3), d = g(4);
                s.globrunqput(b);
                s.globrunqputhead(a);
                c.schedlink = d;
                s.globrunqputbatch(c);
                assertEquals(4, s.runqsize);
                P pp = s.allp[0];
                List<Long> order = new ArrayList<>();
                while (s.runqsize > 0) order.add(s.globrunqget(pp, 1).goid);
                assertEquals(List.of(1L, 2L, 3L, 4L), order);
            } finally {
                s.lock.unlock();
            }
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
    }

    @Test
    void procresizeMovesGoroutinesOfDestroyedPsToTheGlobalHeadInOrder() throws Exception {
        Sched s = TestSupport.newSched(3);
        try {
            s.lock.lock();
            try {
                // Take P2 off the idle list as stopTheWorld would, and queue work on it.
                List<P> idle = new ArrayList<>();
                for (P pp; (pp = s.pidleget()) != null; ) idle.add(pp);
                for (P pp : idle) pp.status = P._Pgcstop;
                P p2 = s.allp[2];
                p2.runq.put(g(10), false);
                p2.runq.put(g(11), false);
                p2.runq.put(g(12), true); // runnext runs first
                s.globrunqput(g(99));
                P runnable = Procresize.procresize(s, 2);
                assertNull(runnable, "remaining Ps have no local work");
                assertEquals(2, s.gomaxprocs);
                assertEquals(2, s.allp.length);
                assertEquals(P._Pdead, p2.status);
                assertEquals(2, s.npidle.get());
                List<Long> order = new ArrayList<>();
                P p0 = s.allp[0];
                s.pidleget(); // owner access for the drain below
                while (s.runqsize > 0) order.add(s.globrunqget(p0, 1).goid);
                assertEquals(List.of(12L, 10L, 11L, 99L), order);
                s.pidleput(p0);
            } finally {
                s.lock.unlock();
            }
            assertTrue(s.checkInvariants().isEmpty(), s.checkInvariants().toString());
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
    }

    @Test
    void coprimesGiveEveryPositionOnce() {
        for (int n = 1; n <= 64; n++) {
            for (int inc : Proc.coprimes(n)) {
                boolean[] seen = new boolean[n];
                int pos = 3 % n;
                for (int k = 0; k < n; k++, pos = (pos + inc) % n) {
                    assertFalse(seen[pos], "n=" + n + " inc=" + inc);
                    seen[pos] = true;
                }
            }
        }
    }

    @Test
    void mReserveIdFailsClearlyPastTheCap() {
        Sched s = new Sched(new Sched.Config("cap", 1, 2, 256, dev.gort.PanicPolicy.CRASH, System.err, Sched.Clock.SYSTEM, Tunables.fromEnvironment().withSysmon(false)));
        try {
            s.lock.lock();
            try {
                s.mReserveID();
                s.mReserveID();
                var e = assertThrows(dev.gort.ThreadExhaustionException.class, s::mReserveID);
                assertTrue(e.getMessage().contains("2-thread limit"), e.getMessage());
                s.nmfreed += 2; // give the reservations back
            } finally {
                s.lock.unlock();
            }
        } finally {
            s.shutdown();
        }
    }

    @Test
    void consumedRingSlotsDoNotKeepGoroutinesReachable() throws Exception {
        RunQueue q = new RunQueue(8);
        RunQueue thief = new RunQueue(8);
        java.lang.ref.WeakReference<G> viaGet = put(q, 1);
        boolean[] inh = new boolean[1];
        assertNotNull(q.get(inh));
        java.lang.ref.WeakReference<G> viaSteal = put(q, 2);
        put(q, 3);
        assertNotNull(thief.steal(q, false, false)); // takes 2 (half of 2, rounded up = 1)
        assertNotNull(q.get(inh));                     // 3
        for (int i = 0; i < 20 && (viaGet.get() != null || viaSteal.get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(viaGet.get(), "a G taken by get is still reachable from the ring");
        assertNull(viaSteal.get(), "a G taken by steal is still reachable from a ring");
    }

    private static java.lang.ref.WeakReference<G> put(RunQueue q, long id) {
        G gp = g(id);
        assertNull(q.put(gp, false));
        return new java.lang.ref.WeakReference<>(gp);
    }
}
