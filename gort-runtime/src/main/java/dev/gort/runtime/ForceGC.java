package dev.gort.runtime;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * sysmon's forced collection. Go: proc.go forcegc, forcegchelper and sysmon's
 * {@code gcTrigger{kind: gcTriggerTime}.test()}.
 *
 * <p>Go's sysmon starts a GC when none has run for forcegcperiod (2 minutes) and the helper is
 * idle, by readying the forcegc helper goroutine, which runs {@code gcStart}. On the JVM the
 * collector is the JVM's: sysmon reads the collection counts of the GarbageCollectorMXBeans (at
 * most once per {@link #checkIntervalNs}), and the time it last saw them change is Go's
 * {@code memstats.last_gc_nanotime}. As in Go, no collection is forced before the first one has
 * happened ({@code last_gc_nanotime != 0}). The helper is a system goroutine: not counted by
 * {@code numGoroutine}, by shutdown or by checkdead, and started the first time it is needed
 * (Go starts it in an init; the behaviour is the same, and a runtime that never reaches the
 * period has no extra goroutine). It asks for a collection with {@code System.gc()} unless
 * another action is configured, and says once, clearly, when {@code -XX:+DisableExplicitGC}
 * makes that a no-op.
 */
final class ForceGC {
    private final Sched sched;
    private final long periodNs;
    private final LongSupplier collections;
    private final Runnable action;
    private final PrintStream out;

    /** Sum of the collectors' counts at the last check, or -1 before the first. sysmon only. */
    private long lastCount = -1;
    /** Go: memstats.last_gc_nanotime (here: when sysmon saw the count change); 0 = no GC yet. */
    private long lastgc;
    private long nextCheck;
    /** Go: forcegc.idle. The helper is parked and may be readied. */
    private volatile boolean idle = true;
    /** The helper's thread, null until the first forced collection. Go: forcegc.g. */
    private volatile Thread helper;
    /** Forced collections requested (schedtrace forcegc=). */
    volatile long nforced;
    private boolean disabledReported, failureReported;

    ForceGC(Sched sched, long periodNs, LongSupplier collections, Runnable action, PrintStream out) {
        this.sched = sched;
        this.periodNs = periodNs;
        this.collections = collections;
        this.action = action;
        this.out = out;
    }

    /** The JVM's collectors' total collection count (collectors that do not know count 0). */
    static long jvmCollections() {
        long n = 0;
        List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
        for (GarbageCollectorMXBean b : beans) {
            long c = b.getCollectionCount();
            if (c > 0) n += c;
        }
        return n;
    }

    /** How often sysmon reads the counts: a tenth of the period, at most once a second. */
    long checkIntervalNs() {
        return Math.min(1_000 * Tunables.MS, Math.max(periodNs / 10, Tunables.MS));
    }

    /**
     * sysmon's test and action: returns true if it readied the helper. Go: the
     * {@code gcTrigger{kind: gcTriggerTime, now: now}.test() && forcegc.idle != 0} block.
     */
    boolean check(long now) {
        if (periodNs <= 0 || now < nextCheck) return false;
        nextCheck = now + checkIntervalNs();
        long c = collections.getAsLong();
        if (c != lastCount) {
            // Changed, or the first reading: a collection has happened (if the count is not 0).
            if (lastCount >= 0 || c > 0) lastgc = now;
            lastCount = c;
        }
        if (lastgc == 0 || now - lastgc <= periodNs || !idle) return false;
        idle = false;
        nforced++;
        lastgc = now; // the helper's collection moves the count; until then, one request per period
        Thread h = helper;
        if (h == null) {
            try {
                startHelper();
            } catch (IllegalStateException e) {
                idle = true; // the runtime has ended meanwhile
                return false;
            }
        } else {
            LockSupport.unpark(h); // Go: injectglist(forcegc.g)
        }
        return true;
    }

    /** The helper goroutine. Go: forcegchelper. */
    private void startHelper() {
        G gp = Proc.newproc(sched, this::forcegchelper, false, true);
        helper = gp.thread;
    }

    private void forcegchelper() {
        for (;;) {
            if (!idle) {
                long before = collections.getAsLong();
                try {
                    action.run();
                } catch (RuntimeException | Error e) {
                    if (!failureReported) { // once: the helper goes on, the next period tries again
                        failureReported = true;
                        out.println("gort: forcegc: the collection action failed: " + e);
                        out.flush();
                    }
                } finally {
                    idle = true;
                }
                if (action == SYSTEM_GC && !disabledReported && collections.getAsLong() == before && explicitGcDisabled()) {
                    disabledReported = true;
                    out.println("gort: forcegc: -XX:+DisableExplicitGC makes System.gc() a no-op: no collection was forced"
                            + " (set another action with GortRuntime.Builder.forceGc, or drop the flag)");
                    out.flush();
                }
            }
            if (sched.stopSystem) return; // the runtime ends: it waits for this goroutine
            Proc.setParkingReason(WaitReason.FORCE_GC_IDLE, true);
            try {
                LockSupport.park(this);
            } finally {
                Proc.setParkingReason(null);
            }
            Thread.interrupted(); // shutdownNow interrupts every goroutine: the helper stays
            if (sched.stopSystem) return;
        }
    }

    /** The helper's virtual thread, null before the first forced collection. */
    Thread helperThread() {
        return helper;
    }

    /** Whether the helper is parked (Go: forcegc.idle). */
    boolean idle() {
        return idle;
    }

    /** The default action. */
    static final Runnable SYSTEM_GC = System::gc;

    static boolean explicitGcDisabled() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+DisableExplicitGC");
        } catch (RuntimeException e) {
            return false;
        }
    }
}
