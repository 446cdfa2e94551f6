package dev.gort.runtime;

import java.io.PrintStream;
import java.util.Locale;

/**
 * sysmon's intervals and thresholds, with Go's values as defaults. Every one can be set on the
 * builder or with a system property, and is validated with an error that names it.
 *
 * @param sysmon              start the monitor thread (false only in deterministic unit tests)
 * @param sysmonMinDelayNs    first sleep, Go's 20 us ({@code gort.sysmon.mindelay})
 * @param sysmonMaxDelayNs    longest sleep, Go's 10 ms ({@code gort.sysmon.maxdelay})
 * @param sysmonIdleRounds    idle rounds before the sleep starts doubling, Go's 50 ({@code gort.sysmon.idlerounds})
 * @param deepSleepMaxNs      longest deep sleep when every P is idle, Go's forcegcperiod/2 = 60 s ({@code gort.sysmon.deepsleep})
 * @param forcePreemptNs      time slice before preemption, Go's forcePreemptNS = 10 ms ({@code gort.forcepreempt})
 * @param syscallRetakeNs     a P in a syscall with no other work is retaken after this, Go's 10 ms ({@code gort.syscallretake})
 * @param ignoredPreemptNs    a G that ignores a preemption request this long loses its P ({@code gort.ignoredpreempt}, default forcePreemptNs)
 * @param blockedCarrierNs    sample a carrier's CPU time once its G has run this long without a schedule ({@code gort.blockedcarrier}, 1 ms)
 * @param maxHandoffThreads   cap on Ms left behind with a blocked or runaway goroutine ({@code gort.maxhandoffthreads})
 * @param runawayReportNs     a goroutine that ignores a preemption request this long is reported once, with its
 *                            stack ({@code gort.runawayreport}, 100 ms; 0 = never)
 * @param timerSlackNs        the Linux timer slack of gort's threads (PR_SET_TIMERSLACK; {@code gort.timerslack},
 *                            1 ns; 0 = leave the kernel's 50 us); needs native access, skipped without it
 * @param forcegcPeriodNs     sysmon forces a collection when the JVM has not collected for this long, Go's
 *                            forcegcperiod = 2 min ({@code gort.forcegcperiod}; 0 = never)
 * @param scavengeLimitNs     free span memory idle this long is returned to the OS, Go ≤1.12's scavengelimit =
 *                            5 min ({@code gort.scavengelimit})
 * @param schedtraceMs        print a SCHED line every this many ms, 0 = off ({@code gort.debug=schedtrace=N} or GORTDEBUG)
 * @param scheddetail         with schedtrace, print P, M and G lines too
 * @param traceOutput         where SCHED lines go (stderr, as in Go)
 * @param forcegcAction       what the forcegc helper runs (System.gc())
 * @param pacedScavenger      also run Go 1.13+'s paced background scavenger, which keeps the span heap's retained
 *                            memory near 110% of what is in use ({@code gort.scavenger=paced}; off by default)
 * @param stallStealNs        a busy M takes half the queue of a P that has started no goroutine for this long
 *                            (Proc.stealFromStalled, beyond Go; {@code gort.stallsteal}, 100 us; 0 = never)
 * @param dryYieldNs          an M that has run this long without sleeping yields its core to the OS when its
 *                            queues run dry (Proc.osyieldIfBusy, beyond Go; {@code gort.dryyield}, 100 us; 0 = never)
 */
public record Tunables(boolean sysmon, long sysmonMinDelayNs, long sysmonMaxDelayNs, int sysmonIdleRounds,
                       long deepSleepMaxNs, long forcePreemptNs, long syscallRetakeNs, long ignoredPreemptNs,
                       long blockedCarrierNs, int maxHandoffThreads, long runawayReportNs, long timerSlackNs,
                       long forcegcPeriodNs, long scavengeLimitNs,
                       int schedtraceMs, boolean scheddetail, PrintStream traceOutput, Runnable forcegcAction,
                       boolean pacedScavenger, long stallStealNs, long dryYieldNs) {

    public static final long MS = 1_000_000L;

    public Tunables {
        positive("sysmon min delay", sysmonMinDelayNs, 1_000, 1_000 * MS);
        positive("sysmon max delay", sysmonMaxDelayNs, sysmonMinDelayNs, 10_000 * MS);
        if (sysmonIdleRounds < 0 || sysmonIdleRounds > 1_000_000) {
            throw new IllegalArgumentException("gort: sysmon idle rounds must be between 0 and 1000000, got " + sysmonIdleRounds);
        }
        positive("sysmon deep sleep", deepSleepMaxNs, MS, 3_600_000 * MS);
        positive("forcePreemptNS", forcePreemptNs, 100_000, 60_000 * MS);
        positive("syscall retake", syscallRetakeNs, 0, 60_000 * MS);
        positive("ignored-preemption threshold", ignoredPreemptNs, 100_000, 60_000 * MS);
        positive("blocked-carrier threshold", blockedCarrierNs, 10_000, 60_000 * MS);
        if (maxHandoffThreads < 0) {
            throw new IllegalArgumentException("gort: maxHandoffThreads must not be negative, got " + maxHandoffThreads);
        }
        if (runawayReportNs != 0) positive("runaway report threshold", runawayReportNs, MS, 3_600_000 * MS);
        positive("timer slack", timerSlackNs, 0, 10 * MS);
        if (forcegcPeriodNs != 0) positive("forcegc period", forcegcPeriodNs, MS, 365L * 24 * 3_600_000 * MS);
        positive("scavenge limit", scavengeLimitNs, MS, 365L * 24 * 3_600_000 * MS);
        if (forcegcAction == null) throw new IllegalArgumentException("gort: forcegc action must not be null");
        if (schedtraceMs < 0) throw new IllegalArgumentException("gort: schedtrace must not be negative, got " + schedtraceMs);
        if (traceOutput == null) throw new IllegalArgumentException("gort: trace output must not be null");
        if (stallStealNs != 0) positive("stall-steal interval", stallStealNs, 10_000, 1_000 * MS);
        if (dryYieldNs != 0) positive("dry-yield interval", dryYieldNs, 1_000, 1_000 * MS);
    }

    private static void positive(String what, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("gort: " + what + " must be between " + fmt(min) + " and " + fmt(max) + ", got " + fmt(v));
        }
    }

    private static String fmt(long ns) {
        if (ns % MS == 0) return (ns / MS) + " ms";
        if (ns % 1000 == 0) return (ns / 1000) + " us";
        return ns + " ns";
    }

    /** Go's defaults, overridden by system properties and GORTDEBUG / -Dgort.debug. */
    public static Tunables fromEnvironment() {
        long minDelay = duration("gort.sysmon.mindelay", 20_000);
        long forcePreempt = duration("gort.forcepreempt", 10 * MS);
        int[] trace = parseDebug();
        return new Tunables(true, minDelay, duration("gort.sysmon.maxdelay", 10 * MS),
                (int) integer("gort.sysmon.idlerounds", 50), duration("gort.sysmon.deepsleep", 60_000 * MS),
                forcePreempt, duration("gort.syscallretake", 10 * MS), duration("gort.ignoredpreempt", forcePreempt),
                duration("gort.blockedcarrier", MS), (int) integer("gort.maxhandoffthreads", 1_000),
                duration("gort.runawayreport", 100 * MS), duration("gort.timerslack", 1),
                duration("gort.forcegcperiod", 120_000 * MS), duration("gort.scavengelimit", 300_000 * MS),
                trace[0], trace[1] != 0, System.err, ForceGC.SYSTEM_GC, scavengerMode(), duration("gort.stallsteal", 100_000),
                duration("gort.dryyield", 100_000));
    }

    /**
     * Parses {@code -Dgort.debug} (else the GORTDEBUG environment variable): comma-separated
     * {@code name=value}, as Go's GODEBUG. Known: schedtrace (ms), scheddetail (0/1).
     */
    static int[] parseDebug() {
        String v = System.getProperty("gort.debug");
        String from = "-Dgort.debug";
        if (v == null) {
            v = System.getenv("GORTDEBUG");
            from = "GORTDEBUG";
        }
        int[] r = {0, 0};
        if (v == null || v.isBlank()) return r;
        for (String part : v.split(",")) {
            part = part.trim();
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("gort: " + from + ": expected name=value, got \"" + part + "\"");
            String name = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String val = part.substring(eq + 1).trim();
            int n;
            try {
                n = Integer.parseInt(val);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gort: " + from + ": " + name + " must be an integer, got \"" + val + "\"");
            }
            if (n < 0) throw new IllegalArgumentException("gort: " + from + ": " + name + " must not be negative, got " + n);
            switch (name) {
                case "schedtrace" -> r[0] = n;
                case "scheddetail" -> r[1] = n;
                default -> { } // unknown settings are ignored, as Go ignores unknown GODEBUG keys
            }
        }
        return r;
    }

    /** A duration property: plain ns, or with a unit: 20us, 10ms, 2s, 5m. */
    static long duration(String property, long dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return dflt;
        String s = v.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        String num = s;
        for (String[] u : new String[][]{{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}, {"m", "60000000000"}}) {
            if (s.endsWith(u[0])) {
                num = s.substring(0, s.length() - u[0].length()).trim();
                mult = Long.parseLong(u[1]);
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(num), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("gort: -D" + property + " must be a duration such as 20us, 10ms or 2s, got \"" + v + "\"");
        }
    }

    static long integer(String property, long dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gort: -D" + property + " must be an integer, got \"" + v + "\"");
        }
    }

    public Tunables withSysmon(boolean on) {
        return new Tunables(on, sysmonMinDelayNs, sysmonMaxDelayNs, sysmonIdleRounds, deepSleepMaxNs, forcePreemptNs,
                syscallRetakeNs, ignoredPreemptNs, blockedCarrierNs, maxHandoffThreads, runawayReportNs, timerSlackNs,
                forcegcPeriodNs, scavengeLimitNs, schedtraceMs, scheddetail, traceOutput, forcegcAction, pacedScavenger, stallStealNs, dryYieldNs);
    }

    /** {@code -Dgort.scavenger}: "sysmon" (the default: Go ≤1.12's, spans idle past the limit) or "paced" (also Go 1.13+'s). */
    static boolean scavengerMode() {
        String v = System.getProperty("gort.scavenger");
        if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("sysmon")) return false;
        if (v.trim().equalsIgnoreCase("paced")) return true;
        throw new IllegalArgumentException("gort: -Dgort.scavenger must be \"sysmon\" or \"paced\", got \"" + v + "\"");
    }

    /** With the paced background scavenger on or off. */
    public Tunables withPacedScavenger(boolean on) {
        return new Tunables(sysmon, sysmonMinDelayNs, sysmonMaxDelayNs, sysmonIdleRounds, deepSleepMaxNs, forcePreemptNs,
                syscallRetakeNs, ignoredPreemptNs, blockedCarrierNs, maxHandoffThreads, runawayReportNs, timerSlackNs,
                forcegcPeriodNs, scavengeLimitNs, schedtraceMs, scheddetail, traceOutput, forcegcAction, on, stallStealNs, dryYieldNs);
    }

    /** With forcegc's period and action, and the scavenge limit, replaced. */
    public Tunables withMemory(long forcegcPeriodNs, Runnable forcegcAction, long scavengeLimitNs) {
        return new Tunables(sysmon, sysmonMinDelayNs, sysmonMaxDelayNs, sysmonIdleRounds, deepSleepMaxNs, forcePreemptNs,
                syscallRetakeNs, ignoredPreemptNs, blockedCarrierNs, maxHandoffThreads, runawayReportNs, timerSlackNs,
                forcegcPeriodNs, scavengeLimitNs, schedtraceMs, scheddetail, traceOutput, forcegcAction, pacedScavenger, stallStealNs, dryYieldNs);
    }

    public Tunables withThresholds(long syscallRetakeNs, long ignoredPreemptNs, long blockedCarrierNs, int maxHandoffThreads) {
        return new Tunables(sysmon, sysmonMinDelayNs, sysmonMaxDelayNs, sysmonIdleRounds, deepSleepMaxNs, forcePreemptNs,
                syscallRetakeNs, ignoredPreemptNs, blockedCarrierNs, maxHandoffThreads, runawayReportNs, timerSlackNs,
                forcegcPeriodNs, scavengeLimitNs, schedtraceMs, scheddetail, traceOutput, forcegcAction, pacedScavenger, stallStealNs, dryYieldNs);
    }
}
