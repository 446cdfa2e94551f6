package dev.gort;

import dev.gort.runtime.Proc;
import dev.gort.runtime.Sched;
import dev.gort.runtime.Tunables;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * One gort runtime: GOMAXPROCS processors, the threads (Ms) that run goroutines on them, and
 * the goroutines. Several may live in one JVM; {@link Gort}'s static methods use the runtime
 * of the calling goroutine, or a default one.
 *
 * <pre>{@code
 * try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
 *     int answer = rt.run(() -> {
 *         WaitGroup wg = new WaitGroup();
 *         wg.add(1);
 *         Gort.go(() -> { work(); wg.done(); });
 *         wg.await();
 *         return 42;
 *     });
 * }
 * }</pre>
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown()} stops the runtime from accepting goroutines: {@code go} (from anywhere,
 * including its own goroutines) throws IllegalStateException. Goroutines already started keep
 * running until they end; when the last one ends every M exits. {@link #shutdownNow()} also
 * interrupts every live goroutine, so that those blocked in interruptible calls
 * (WaitGroup.await, JDK blocking calls) unwind. {@link #close()} is shutdownNow followed by
 * waiting for termination. No goroutine is dropped: one that never ends (a loop ignoring
 * interrupts) keeps its M, and {@link #awaitTermination} says so by returning false.
 */
public final class GortRuntime implements AutoCloseable {
    final Sched sched;

    static {
        // dev.gort.net called from outside goroutines uses the default runtime's poller.
        dev.gort.runtime.Netpoll.registerDefault(() -> Gort.defaultRuntime().sched);
    }

    private GortRuntime(Sched sched) {
        this.sched = sched;
        sched.owner = this;
    }

    /** The runtime behind a scheduler (for Gort's static methods). */
    static GortRuntime of(Sched sched) {
        return sched.owner instanceof GortRuntime rt ? rt : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options, validated on build. Defaults come from system properties and the environment. */
    public static final class Builder {
        private String name = "gort";
        private Integer gomaxprocs;
        private Integer maxThreads;
        private int runqCapacity = 256;
        private PanicPolicy panicPolicy = PanicPolicy.CRASH;
        private PrintStream panicOutput = System.err;
        private Sched.Clock clock = Sched.Clock.SYSTEM;
        private Tunables tunables;
        private Long forcePreempt, syscallRetake, ignoredPreempt, blockedCarrier, sysmonMin, sysmonMax, runawayReport, forcegcPeriod, scavengeLimit, stallSteal, dryYield;
        private Runnable forcegcAction;
        private Boolean pacedScavenger;
        private Integer sysmonIdleRounds, maxHandoffThreads, schedtrace;
        private Boolean scheddetail;
        private java.io.PrintStream traceOutput;

        private Builder() {}

        /** The time slice before sysmon asks a goroutine to yield; Go's forcePreemptNS, 10 ms. */
        public Builder forcePreempt(Duration d) {
            this.forcePreempt = d.toNanos();
            return this;
        }

        /** How long a P with no other work stays with a syscall before sysmon takes it; Go's 10 ms. */
        public Builder syscallRetake(Duration d) {
            this.syscallRetake = d.toNanos();
            return this;
        }

        /** How long a goroutine may ignore a preemption request before it loses its P (default forcePreempt). */
        public Builder ignoredPreemption(Duration d) {
            this.ignoredPreempt = d.toNanos();
            return this;
        }

        /**
         * How long a goroutine may ignore a preemption request before it is reported, once, with
         * its stack and how long it has run (default 100 ms; {@link Duration#ZERO}: never). The
         * report names a loop that no checkpoint reaches (one the gort agent did not cover).
         */
        public Builder runawayReport(Duration d) {
            this.runawayReport = d.toNanos();
            return this;
        }

        /** How long a goroutine runs before sysmon starts checking whether its carrier is blocked (1 ms). */
        public Builder blockedCarrier(Duration d) {
            this.blockedCarrier = d.toNanos();
            return this;
        }

        /** sysmon's sleep: first (Go's 20 us), longest (10 ms), idle rounds before doubling (50). */
        public Builder sysmonDelays(Duration min, Duration max, int idleRounds) {
            this.sysmonMin = min.toNanos();
            this.sysmonMax = max.toNanos();
            this.sysmonIdleRounds = idleRounds;
            return this;
        }

        /** Cap on threads left with a blocked or runaway goroutine after their P was handed off. */
        public Builder maxHandoffThreads(int n) {
            this.maxHandoffThreads = n;
            return this;
        }

        /** Print Go's SCHED line every ms milliseconds (0: off), with P/M/G lines if detail. */
        public Builder schedtrace(int ms, boolean detail) {
            this.schedtrace = ms;
            this.scheddetail = detail;
            return this;
        }

        /**
         * sysmon forces a collection when the JVM has not collected for this long (Go's
         * forcegcperiod, 2 minutes; -Dgort.forcegcperiod); {@link Duration#ZERO} turns it off.
         */
        public Builder forceGcPeriod(Duration d) {
            this.forcegcPeriod = d.toNanos();
            return this;
        }

        /** What the forcegc helper runs to force a collection (default {@code System.gc()}). */
        public Builder forceGc(Runnable action) {
            this.forcegcAction = Objects.requireNonNull(action, "forceGc action");
            return this;
        }

        /**
         * Free span memory idle for longer than this is returned to the OS by sysmon (Go ≤1.12's
         * scavengelimit, 5 minutes; -Dgort.scavengelimit).
         */
        public Builder scavengeLimit(Duration d) {
            this.scavengeLimit = d.toNanos();
            return this;
        }

        /**
         * Also run Go 1.13+'s paced background scavenger: it gives free span memory back to the OS
         * at about 1% of one CPU whenever the heap keeps more than 110% of what is in use, without
         * waiting for the scavenge limit (-Dgort.scavenger=paced). Off by default: sysmon's
         * scavenger (Go ≤1.12's) alone, as the seeds describe.
         */
        public Builder pacedScavenger(boolean on) {
            this.pacedScavenger = on;
            return this;
        }

        /**
         * How long a running P may start no goroutine, with goroutines queued behind it, before a
         * busy thread takes half of its queue (default 100 us; -Dgort.stallsteal;
         * {@link Duration#ZERO}: never). Go steals only from an idle thread; this also reaches the
         * goroutines queued behind a thread that the OS has descheduled or that runs one
         * goroutine for long, which otherwise wait for it.
         */
        public Builder stallSteal(Duration d) {
            this.stallSteal = d.toNanos();
            return this;
        }

        /**
         * How long a scheduler thread may run without sleeping before it lets the OS run another
         * thread on its core, at the moment its queues run dry (default 100 us; -Dgort.dryyield;
         * {@link Duration#ZERO}: never). A thread whose queues are empty strands no goroutine by
         * yielding, and the threads a busy runtime talks to (the other end of its connections)
         * get the core at once instead of at the kernel's next tick.
         */
        public Builder dryYield(Duration d) {
            this.dryYield = d.toNanos();
            return this;
        }

        /** Where schedtrace lines go (default System.err). */
        public Builder traceOutput(java.io.PrintStream out) {
            this.traceOutput = Objects.requireNonNull(out, "traceOutput");
            return this;
        }

        private Tunables tunables() {
            Tunables b = Tunables.fromEnvironment();
            long fp = forcePreempt != null ? forcePreempt : b.forcePreemptNs();
            return new Tunables(true,
                    sysmonMin != null ? sysmonMin : b.sysmonMinDelayNs(),
                    sysmonMax != null ? sysmonMax : b.sysmonMaxDelayNs(),
                    sysmonIdleRounds != null ? sysmonIdleRounds : b.sysmonIdleRounds(),
                    b.deepSleepMaxNs(), fp,
                    syscallRetake != null ? syscallRetake : b.syscallRetakeNs(),
                    ignoredPreempt != null ? ignoredPreempt : (forcePreempt != null ? fp : b.ignoredPreemptNs()),
                    blockedCarrier != null ? blockedCarrier : b.blockedCarrierNs(),
                    maxHandoffThreads != null ? maxHandoffThreads : b.maxHandoffThreads(),
                    runawayReport != null ? runawayReport : b.runawayReportNs(),
                    b.timerSlackNs(),
                    forcegcPeriod != null ? forcegcPeriod : b.forcegcPeriodNs(),
                    scavengeLimit != null ? scavengeLimit : b.scavengeLimitNs(),
                    schedtrace != null ? schedtrace : b.schedtraceMs(),
                    scheddetail != null ? scheddetail : b.scheddetail(),
                    traceOutput != null ? traceOutput : b.traceOutput(),
                    forcegcAction != null ? forcegcAction : b.forcegcAction(),
                    pacedScavenger != null ? pacedScavenger : b.pacedScavenger(),
                    stallSteal != null ? stallSteal : b.stallStealNs(),
                    dryYield != null ? dryYield : b.dryYieldNs());
        }

        /** A name for traces and errors. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Number of processors (1..1024). Default: -Dgort.gomaxprocs, else the GOMAXPROCS
         * environment variable, else the number of available processors.
         */
        public Builder gomaxprocs(int n) {
            this.gomaxprocs = n;
            return this;
        }

        /** Maximum number of Ms (threads), Go's default 10000. Default: -Dgort.maxthreads. */
        public Builder maxThreads(int n) {
            this.maxThreads = n;
            return this;
        }

        /** Local run queue capacity (power of two, Go's 256). */
        public Builder runqCapacity(int n) {
            this.runqCapacity = n;
            return this;
        }

        public Builder panicPolicy(PanicPolicy policy) {
            this.panicPolicy = Objects.requireNonNull(policy, "panicPolicy");
            return this;
        }

        /** Where panic reports go (default System.err). */
        public Builder panicOutput(PrintStream out) {
            this.panicOutput = Objects.requireNonNull(out, "panicOutput");
            return this;
        }

        /** Builds and starts the runtime. Throws IllegalArgumentException for a bad option. */
        public GortRuntime build() {
            int procs = gomaxprocs != null ? gomaxprocs : defaultGomaxprocs();
            int maxm = maxThreads != null ? maxThreads : intSetting("gort.maxthreads", null, Sched.DEFAULT_MAX_THREADS);
            return new GortRuntime(new Sched(new Sched.Config(name, procs, maxm, runqCapacity,
                    panicPolicy, panicOutput, clock, tunables())));
        }
    }

    static int defaultGomaxprocs() {
        return intSetting("gort.gomaxprocs", "GOMAXPROCS", Runtime.getRuntime().availableProcessors());
    }

    static int intSetting(String property, String env, int dflt) {
        String v = System.getProperty(property);
        String from = "-D" + property;
        if (v == null && env != null) {
            v = System.getenv(env);
            from = "environment variable " + env;
        }
        if (v == null || v.isBlank()) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gort: " + from + " must be an integer, got \"" + v + "\"");
        }
    }

    /**
     * Runs main as this runtime's main goroutine and returns its result, or throws what it
     * threw. If another goroutine panics first (PanicPolicy.CRASH), throws
     * {@link GoroutinePanicException}. May be called from any thread, several times.
     */
    public <T> T run(Callable<T> main) throws Exception {
        return Proc.runMain(sched, main);
    }

    /** {@link #run(Callable)} for a main without a result; exceptions are rethrown unchanged. */
    public void run(Runnable main) {
        Objects.requireNonNull(main, "gort: run(null): the main function must not be null");
        try {
            Proc.runMain(sched, () -> {
                main.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw sneaky(e);
        }
    }

    /** Starts a goroutine; returns its id. Go: the go statement. */
    public long go(Runnable fn) {
        return Proc.go(sched, fn);
    }

    /** The number of processors. Go: runtime.GOMAXPROCS(0). */
    public int gomaxprocs() {
        return sched.gomaxprocs();
    }

    /**
     * Sets the number of processors (1..1024) by stopping and restarting the world; returns the
     * previous value. Running goroutines are stopped at their next checkpoint or unmount.
     * Go: runtime.GOMAXPROCS(n).
     */
    public int gomaxprocs(int n) {
        return Proc.gomaxprocs(sched, n);
    }

    /** The number of goroutines that exist now. Go: runtime.NumGoroutine. */
    public int numGoroutine() {
        return sched.numGoroutine();
    }

    public String name() {
        return sched.name();
    }

    /** The scheduler's state in one line, with Go's SCHED field names. */
    public String schedSummary() {
        return sched.summary();
    }

    /** For each P: {schedtick, goroutines executed, goroutines stolen}. */
    public long[][] perProcessorCounters() {
        return sched.perPCounters();
    }

    /** The runtime's platform threads (Ms) now alive. */
    public List<Thread> threads() {
        return sched.threads();
    }

    /** One schedtrace block now (Go's SCHED line; with detail the P, M and G lines). */
    public String schedtrace(boolean detail) {
        return sched.schedtrace(detail);
    }

    /** Every live goroutine with its state, wait reason and stack, in Go's format. */
    public String goroutineDump() {
        return sched.goroutineDump();
    }

    /** How many {@link Gort#gosched()} calls went through goschedImpl (preemptions are counted apart). */
    public long goschedCount() {
        return sched.goschedCount();
    }

    /**
     * How many preemptions completed: a goroutine yielded at a checkpoint (or a runtime call)
     * because sysmon or a stop-the-world asked it to. Go: gopreempt_m → goschedImpl. The
     * schedtrace field {@code preemptions=} counts the requests.
     */
    public long preemptCount() {
        return sched.preemptCount();
    }

    /** See the class comment. */
    public void shutdown() {
        sched.shutdown();
    }

    /** See the class comment. */
    public void shutdownNow() {
        sched.shutdownNow();
    }

    public boolean isShutdown() {
        return sched.state() != 0;
    }

    public boolean isTerminated() {
        return sched.isTerminated();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return sched.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** shutdownNow, then waits (without limit) for every goroutine and M to end. */
    @Override
    public void close() {
        sched.shutdownNow();
        boolean interrupted = false;
        for (;;) {
            try {
                if (sched.awaitTermination(1, TimeUnit.SECONDS)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The panic or fatal error that ended this runtime, or null. */
    public RuntimeException failure() {
        return sched.failure();
    }

    @Override
    public String toString() {
        return "GortRuntime[" + sched.name() + " " + sched.summary() + "]";
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
