package dev.gort.runtime;

import dev.gort.DeadlockException;

/**
 * Deadlock detection. Go: proc.go checkdead.
 *
 * <p>Called with the sched lock held when an M goes idle. If a run is pending, no M is running, and every
 * goroutine waits on something only another goroutine of this runtime can signal (a gort
 * primitive touched only by goroutines), with no timers, syscalls or network waiters pending,
 * nothing can ever run again: the runtime fails with "all goroutines are asleep - deadlock!".
 *
 * <p>Never a false deadlock: a goroutine waiting in JDK code (LockSupport.park, a monitor,
 * Object.wait, Thread.sleep, JDK I/O) may be woken by a thread outside gort, and so may one
 * waiting on a gort primitive that a thread outside gort has used; either keeps the runtime
 * alive. A goroutine that is runnable, running or in a syscall means work is in flight.
 */
final class Checkdead {
    private Checkdead() {}

    /** Returns true if the runtime is deadlocked. Sched lock held; the caller reports it. */
    static boolean check(Sched sched) {
        if (sched.state != Sched.RUNNING || sched.failure != null) return false;
        // Go's program ends when main returns; a gort runtime lives on after a run. Goroutines
        // left blocked after their run returned are leaked, not a deadlock of anything waiting:
        // only a pending run can be deadlocked, i.e. one whose main goroutine is alive (checked
        // in the walk below; a run registered but whose main does not exist yet is not pending).

        int run = sched.mcount() - sched.nmidle - sched.nmidlelocked - sched.nmsys;
        if (run > 0) return false;
        if (run < 0) {
            throw new IllegalStateException("checkdead: inconsistent counts: run=" + run + " nmidle=" + sched.nmidle
                    + " nmidlelocked=" + sched.nmidlelocked + " mcount=" + sched.mcount() + " nmsys=" + sched.nmsys);
        }
        if (sched.runqsize != 0) return false;
        for (P pp : sched.allp) {
            if (!pp.runq.isEmpty()) return false;
        }
        int grunning = 0;
        boolean mainAlive = false;
        for (G gp : sched.allgs.snapshot()) {
            if (gp.system) continue; // Go: isSystemGoroutine
            if (gp.isMain) mainAlive = true;
            int s = gp.status();
            switch (s) {
                case G._Gwaiting, G._Gpreempted -> {
                    grunning++;
                    if (gp.externallyWakeable()) return false;
                    // Its virtual thread must really be parked with no wake-up in flight: a
                    // thread outside gort (a stack-trace dump, the JDK) may be resubmitting it.
                    if (!JdkHooks.parkedForGood(gp.thread)) return false;
                }
                case G._Grunnable, G._Grunning, G._Gsyscall -> {
                    return false; // in flight: a wake-up is on its way to a queue, or it runs
                }
                default -> { }
            }
        }
        if (grunning == 0) return false; // no goroutines: an idle runtime, not a deadlock
        if (!mainAlive) return false;     // only leftovers of finished runs: leaked, not deadlocked
        // Maybe jump time forward for playground (Go); here: pending timers keep it alive.
        if (Timers.timeSleepUntil(sched) != 0) return false;
        // Goroutines (or threads) waiting on the network: an event or a deadline will wake them.
        Netpoll np = sched.netpoll;
        if (np != null && np.anyWaiters()) return false;
        return true;
    }

    /** Builds the report and fails the runtime. Sched lock NOT held (the dump takes stacks). */
    static void report(Sched sched) {
        String dump = sched.goroutineDump();
        DeadlockException e = new DeadlockException("all goroutines are asleep - deadlock!\n\n" + dump);
        sched.config.panicOutput().print("fatal error: " + e.getMessage());
        sched.config.panicOutput().flush();
        sched.fatal(e);
    }
}
