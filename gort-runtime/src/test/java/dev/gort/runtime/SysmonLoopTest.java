package dev.gort.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/** sysmon's loop: deep sleep when every P is idle, woken when work arrives. */
@Timeout(60)
class SysmonLoopTest {

    private static void waitFor(java.util.function.BooleanSupplier c, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000L;
        while (!c.getAsBoolean() && System.nanoTime() < end) Thread.sleep(5);
    }

    @Test
    void idleRuntimeSendsSysmonIntoDeepSleepAndWorkWakesIt() throws Exception {
        Sched s = TestSupport.newSched(2);
        try {
            TestSupport.run(s, () -> 1);
            waitFor(() -> s.sysmonwait, 5_000);
            assertTrue(s.sysmonwait, "sysmon went into its deep sleep once every P was idle");
            long rounds = s.sysmonRounds;
            Thread.sleep(500);
            assertTrue(s.sysmonRounds - rounds <= 1, "an idle runtime wakes sysmon at most once a minute, saw "
                    + (s.sysmonRounds - rounds) + " rounds in 500 ms");
            // Work arrives: a goroutine runs for 50 ms without yielding; sysmon must watch it
            // (preempt it at 10 ms) although it was deep asleep when the goroutine started.
            long preempts = s.npreemptreq.get();
            TestSupport.run(s, () -> {
                long end = System.nanoTime() + 50_000_000L;
                while (System.nanoTime() < end) Proc.checkpoint();
                return null;
            });
            assertTrue(s.npreemptreq.get() > preempts, "sysmon woke and preempted the long-running goroutine");
            assertTrue(s.sysmonRounds > rounds + 1);
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
    }

    @Test
    void briefIdleGapsDoNotSendSysmonIntoDeepSleep() throws Exception {
        // A goroutine that sleeps 200 us at a time: every P is idle between its wake-ups,
        // thousands of times a second (a server between bursts). sysmon deep-sleeps only once the
        // Ps have stayed idle for a millisecond with no goroutine run, so not in these gaps;
        // without that rule it fell asleep and was woken in nearly every one of them.
        Sched s = TestSupport.newSched(2);
        try {
            TestSupport.run(s, () -> 1);
            long sleeps = s.nsysmonsleep;
            int n = TestSupport.run(s, () -> {
                int i = 0;
                for (; i < 2_000; i++) dev.gort.Gort.sleep(java.time.Duration.ofNanos(200_000));
                return i;
            });
            assertEquals(2_000, n);
            long deep = s.nsysmonsleep - sleeps;
            assertTrue(deep <= 20, "sysmon deep-slept " + deep + " times in 2,000 idle gaps of 0.2 ms");
            // And once the runtime stays idle, it does deep-sleep.
            waitFor(() -> s.sysmonwait, 5_000);
            assertTrue(s.sysmonwait, "sysmon went into its deep sleep once every P had stayed idle");
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
    }

    @Test
    void sysmonIsNotCountedAsARunningMAndExitsWithTheRuntime() throws Exception {
        Sched s = TestSupport.newSched(1);
        TestSupport.run(s, () -> 1);
        // sysmon counts itself as its thread starts, which may come after a short run: wait for it.
        for (long deadline = System.nanoTime() + 5_000_000_000L; nmsys(s) == 0 && System.nanoTime() < deadline; ) Thread.sleep(1);
        s.lockSched();
        try {
            assertEquals(1, s.nmsys, "sysmon counts itself in nmsys");
        } finally {
            s.lock.unlock();
        }
        assertTrue(s.threads().stream().anyMatch(t -> t.getName().equals("gort-sysmon")));
        TestSupport.shutdownAndAssertNoThreads(s); // includes gort-sysmon
    }

    private static int nmsys(Sched s) {
        s.lockSched();
        try {
            return s.nmsys;
        } finally {
            s.lock.unlock();
        }
    }
}
