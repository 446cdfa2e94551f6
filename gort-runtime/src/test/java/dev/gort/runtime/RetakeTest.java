package dev.gort.runtime;

import dev.gort.PanicPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * retake(now) and handoffp with synthetic time and hand-made P/M/G states: every branch of
 * Go's syscall condition, preemption at forcePreemptNS and not before, and gort's hand-off of
 * Ps held by runaway goroutines. No sysmon thread runs; nothing sleeps.
 */
@Timeout(30)
class RetakeTest {
    static final long MS = 1_000_000L;
    static final long T0 = 1_000 * MS;

    Sched s;
    Sysmon sm;
    final List<P> handedOff = new ArrayList<>();
    P pp;
    M mp;
    G gp;

    @BeforeEach
    void setUp() {
        s = new Sched(new Sched.Config("retake", 2, Sched.DEFAULT_MAX_THREADS, 256, PanicPolicy.CRASH, System.err,
                Sched.Clock.SYSTEM, Tunables.fromEnvironment().withSysmon(false)));
        sm = new Sysmon(s, handedOff::add);
        s.lock.lock();
        try {
            pp = s.pidleget(); // P0 leaves the idle list: it is ours to dress up; P1 stays idle
        } finally {
            s.lock.unlock();
        }
        mp = new M(s, 100, null, "fake-m");
        gp = new G(s, 50, 0, null, false);
    }

    @AfterEach
    void tearDown() {
        s.shutdown();
    }

    private void running(long tick, long since) {
        pp.status = P._Prunning;
        pp.m = mp;
        mp.p = pp;
        mp.curg = gp;
        pp.schedtick = tick;
        pp.schedwhen = since;
    }

    private void inSyscall(long syscalltick) {
        pp.schedtick = 42; // a G ran on this P (its slice began now, as far as sysmon knows)
        pp.schedwhen = T0;
        pp.status = P._Psyscall;
        pp.m = null;
        mp.p = null;
        pp.syscalltick = syscalltick;
    }

    @Test
    void preemptsAtForcePreemptNsAndNotBefore() {
        running(7, T0);
        assertEquals(0, sm.retake(T0));
        assertEquals(0, sm.retake(T0 + 10 * MS - 1));
        assertFalse(gp.preempt, "preempted before 10 ms");
        assertFalse(mp.preempt());
        assertEquals(0, sm.retake(T0 + 10 * MS), "preemption does not count as a retake (Go)");
        assertTrue(gp.preempt, "not preempted at 10 ms");
        assertTrue(mp.preempt(), "the checkpoint's flag");
        assertEquals(1, s.npreemptreq.get());
        assertTrue(handedOff.isEmpty());
    }

    @Test
    void aNewSliceResetsTheClock() {
        running(1, T0);
        sm.retake(T0 + 9 * MS);
        pp.schedtick = 2;         // the P scheduled another G
        pp.schedwhen = T0 + 9 * MS;
        sm.retake(T0 + 12 * MS);  // 3 ms into the new slice
        assertFalse(gp.preempt);
        sm.retake(T0 + 19 * MS);
        assertTrue(gp.preempt, "10 ms after the new slice began");
    }

    @Test
    void runnextChainSharesOneSlice() {
        // inheritTime: schedtick does not move, so the whole chain is preempted together
        running(3, T0);
        sm.retake(T0);
        mp.curg = new G(s, 51, 0, null, false); // another G, same tick (came from runnext)
        sm.retake(T0 + 10 * MS);
        assertTrue(mp.curg.preempt);
    }

    @Test
    void syscallStaysForOneTickWhenItsTickChanged() {
        inSyscall(5);
        assertEquals(0, sm.retake(T0), "first sight of this syscall: rule (a) skips");
        assertEquals(P._Psyscall, pp.status);
    }

    @Test
    void syscallWithNoWorkAndIdlePsIsLeftAloneForTenMs() {
        inSyscall(5);
        sm.retake(T0);                         // records syscallwhen = T0
        assertEquals(1, s.npidle.get(), "P1 idle: another P is free");
        assertEquals(0, sm.retake(T0 + 10 * MS - 1), "rule (b): no work, idle P, under 10 ms");
        assertEquals(P._Psyscall, pp.status);
        assertEquals(1, sm.retake(T0 + 10 * MS), "10 ms old: taken anyway");
        assertEquals(P._Pidle, pp.status);
        assertEquals(List.of(pp), handedOff);
        assertEquals(6, pp.syscalltick, "syscalltick++ on retake");
        assertEquals(1, s.nsyscallretake.get());
    }

    @Test
    void syscallWithLocalWorkIsRetakenAtTheNextTick() {
        inSyscall(5);
        sm.retake(T0);
        assertNull(pp.runq.put(new G(s, 60, 0, null, false), false));
        assertEquals(1, sm.retake(T0 + 20_000), "run queue not empty: rule (b) does not apply");
        assertEquals(P._Pidle, pp.status);
        assertEquals(List.of(pp), handedOff);
        boolean[] inh = new boolean[1];
        pp.runq.get(inh); // leave the P clean
    }

    @Test
    void syscallWithNoSpinningMAndNoIdlePIsRetakenAtTheNextTick() {
        s.lock.lock();
        try {
            assertNotNull(s.pidleget()); // P1 busy too
        } finally {
            s.lock.unlock();
        }
        assertEquals(0, s.npidle.get());
        assertEquals(0, s.nmspinning.get());
        inSyscall(5);
        sm.retake(T0);
        assertEquals(1, sm.retake(T0 + 20_000), "nobody else could run work: retake");
        assertEquals(List.of(pp), handedOff);
    }

    @Test
    void spinningMCountsAsFreeForRuleB() {
        s.lock.lock();
        try {
            assertNotNull(s.pidleget());
        } finally {
            s.lock.unlock();
        }
        s.nmspinning.incrementAndGet();
        try {
            inSyscall(5);
            sm.retake(T0);
            assertEquals(0, sm.retake(T0 + MS), "a spinning M can take new work: leave the syscall its P");
        } finally {
            s.nmspinning.decrementAndGet();
        }
    }

    @Test
    void aLongSyscallIsPreemptedAndRetakenEvenOnTheFirstSight() {
        // schedtick unchanged for 10 ms while in a syscall: sysretake skips rule (a)
        inSyscall(5);
        pp.status = P._Prunning;
        pp.schedtick = 9;
        pp.schedwhen = T0;
        sm.retake(T0);             // sees the running slice
        pp.status = P._Psyscall;   // then the G entered a syscall, and stayed
        assertNull(pp.runq.put(new G(s, 61, 0, null, false), false));
        assertEquals(1, sm.retake(T0 + 10 * MS), "sysretake: taken although the syscall tick is new");
        boolean[] inh = new boolean[1];
        pp.runq.get(inh);
    }

    @Test
    void exitsyscallWinningTheRaceKeepsItsP() {
        inSyscall(5);
        sm.retake(T0);
        assertTrue(pp.casStatus(P._Psyscall, P._Pidle), "exitsyscall's fast path CAS");
        assertEquals(0, sm.retake(T0 + 20 * MS), "retake's CAS fails: nothing handed off");
        assertTrue(handedOff.isEmpty());
    }

    @Test
    void aGoroutineIgnoringPreemptionLosesItsP() {
        running(4, T0);
        mp.locks = 0; // user code runs
        sm.retake(T0);
        sm.retake(T0 + 10 * MS);           // asked to yield
        assertTrue(gp.preempt);
        assertEquals(0, sm.retake(T0 + 20 * MS - 1), "still within the second slice");
        assertSame(pp, mp.p);
        assertEquals(1, sm.retake(T0 + 20 * MS), "ignored for forcePreemptNS more: P taken");
        assertNull(mp.p, "the M runs on without a P");
        assertTrue(mp.lostP);
        assertTrue(mp.preempt(), "its next checkpoint comes back for a P");
        assertNull(pp.m);
        assertEquals(P._Pidle, pp.status);
        assertEquals(List.of(pp), handedOff);
        assertEquals(1, s.nrunawayhandoff.get());
        assertEquals(1, s.nmlost.get());
        s.nmlost.decrementAndGet();
    }

    @Test
    void aRunnextSuccessorInTheOldSliceIsAskedAnewNotTakenAsARunaway() {
        running(4, T0);
        mp.locks = 0;
        sm.retake(T0);
        sm.retake(T0 + 10 * MS);                 // gp asked to yield; it does
        G next = new G(s, 52, 0, null, false);
        mp.curg = next;                           // its runnext successor inherits the slice
        assertEquals(0, sm.retake(T0 + 20 * MS), "a different G: asked, not taken");
        assertTrue(next.preempt);
        assertSame(pp, mp.p);
        assertEquals(1, sm.retake(T0 + 30 * MS), "the successor ignored its own request for 10 ms");
        s.nmlost.decrementAndGet();
    }

    @Test
    void aStallOfTheWholeJvmIsNotCountedAgainstAGoroutine() {
        running(4, T0);
        mp.locks = 0;
        sm.retake(T0);
        sm.retake(T0 + 10 * MS);                 // asked to yield...
        assertTrue(gp.preempt);
        sm.forgiveStall(300 * MS);                // ...then a 300 ms GC pause: nobody could run
        assertEquals(0, sm.retake(T0 + 310 * MS + MS), "a pause is not ignoring preemption");
        assertSame(pp, mp.p);
        assertEquals(1, sm.retake(T0 + 320 * MS), "10 ms of real running after the pause: taken");
        assertEquals(1, s.nstalls);
        s.nmlost.decrementAndGet();
    }

    @Test
    void aPIsNotTakenWhileItsMIsInRuntimeCode() {
        running(4, T0);
        mp.locks = 1; // the goroutine is inside ready()
        sm.retake(T0);
        sm.retake(T0 + 10 * MS);
        assertEquals(0, sm.retake(T0 + 20 * MS));
        assertSame(pp, mp.p);
        assertEquals(P._Prunning, pp.status, "backed off from _Pretaking");
        assertTrue(handedOff.isEmpty());
        mp.locks = 0;
        assertEquals(1, sm.retake(T0 + 21 * MS), "taken once the M left runtime code");
        s.nmlost.decrementAndGet();
    }

    @Test
    void handoffLimitIsRespected() {
        s = new Sched(new Sched.Config("limit", 2, Sched.DEFAULT_MAX_THREADS, 256, PanicPolicy.CRASH, System.err,
                Sched.Clock.SYSTEM, Tunables.fromEnvironment().withSysmon(false).withThresholds(10 * MS, 10 * MS, MS, 0)));
        sm = new Sysmon(s, handedOff::add);
        s.lock.lock();
        try {
            pp = s.pidleget();
        } finally {
            s.lock.unlock();
        }
        mp = new M(s, 100, null, "fake-m");
        running(4, T0);
        mp.locks = 0;
        sm.retake(T0);
        sm.retake(T0 + 10 * MS);
        assertEquals(0, sm.retake(T0 + 30 * MS), "maxHandoffThreads=0: never hand off");
        assertEquals(1, s.nhandofflimited.get());
    }

    @Test
    void handoffpPutsAPWithNoWorkOnTheIdleList() {
        pp.status = P._Pidle;
        pp.m = null;
        int idleBefore = s.npidle.get();
        int msBefore = s.mcount();
        Proc.handoffp(s, pp);
        assertEquals(idleBefore + 1, s.npidle.get(), "no work and another P idle: idle");
        assertEquals(msBefore, s.mcount(), "no M started");
    }

    @Test
    void handoffpDuringStopTheWorldStopsTheP() {
        pp.status = P._Pidle;
        pp.m = null;
        s.lock.lock();
        try {
            s.gcwaiting = true;
            s.stopwait = 1;
        } finally {
            s.lock.unlock();
        }
        s.nmspinning.incrementAndGet(); // so that rule 3 (start a spinner) does not apply
        try {
            Proc.handoffp(s, pp);
        } finally {
            s.nmspinning.decrementAndGet();
        }
        assertEquals(P._Pgcstop, pp.status);
        assertEquals(0, s.stopwait);
        s.gcwaiting = false;
    }
}
