package dev.gort.bench.scenario;

import dev.gort.bench.BenchHost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The sysmon scenario benchmarks of issue 3: gort against JDK virtual threads on the JDK's
 * default scheduler, side by side in one run. Not JMH: each scenario is a whole-program
 * behaviour (latency under CPU hogs, under blocked carriers, idle CPU, fairness) measured over
 * seconds.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp gort-bench/target/gort-bench.jar \
 *     dev.gort.bench.scenario.Scenarios [a|preempt] [b|fifo] [c|idle] [e|pingpong] [f|agent] \
 *     [--rounds N] [--out results.md] [--list] [--diag]
 * </pre>
 * The header of the results names the git commit of the working directory (and whether
 * gort-runtime or gort-bench differ from it); {@code -Dgort.bench.commit=TEXT} replaces it, for a
 * jar built from a clean checkout elsewhere.
 *
 * <h2>Why every measurement runs in its own child JVM</h2>
 * This class only orchestrates: each (scenario, variant, round) runs in a fresh JVM
 * ({@link ScenarioChild}) and prints one result line. Running in-process would not be
 * equivalent: (1) the JDK's default scheduler reads {@code jdk.virtualThreadScheduler.parallelism}
 * and {@code maxPoolSize} once, when {@code VirtualThread} is initialised, and the scenarios
 * need 2 (a, b, c) and 1 (e); (2) the JDK side of (a), (b) and (e) leaves its carriers starved or
 * blocked, which would spill into the next measurement; (3) (c) measures the whole process's CPU
 * time, so the process must hold nothing else; (4) every measurement starts from the same cold
 * JVM (JIT, heap), whichever ran before it. The cost is about half a second of JVM start-up per
 * child. The JDK children get {@code -Djdk.virtualThreadScheduler.parallelism=P
 * -Djdk.virtualThreadScheduler.maxPoolSize=P} (maxPoolSize so that the JDK cannot add a carrier
 * to compensate for a blocked one, the same limit gort's GOMAXPROCS sets), and check by
 * reflection that the pool really has that parallelism. Rounds interleave the variants
 * (round 1: every variant, then round 2, ...), so slow drifts in the machine's load hit every
 * variant alike; each table shows the median of the per-round figures.
 */
public final class Scenarios {
    private Scenarios() {}

    static final String CHILD = ScenarioChild.class.getName();

    /** One child configuration: a row of a table. */
    record Variant(String label, String sched, int procs, List<String> args) {}

    /** A scenario: its variants and how to print them. */
    record Scenario(String id, String name, String title, List<Variant> variants, long childTimeoutMs,
                    boolean concurrentRound, Function<Results, String> table) {}

    /** The per-round result maps of each variant, and the errors. */
    static final class Results {
        final Scenario scenario;
        final Map<String, List<Map<String, Double>>> rounds = new LinkedHashMap<>();
        final Map<String, List<String>> errors = new LinkedHashMap<>();
        String loadBefore, loadAfter;
        long millis;

        Results(Scenario s) {
            this.scenario = s;
            for (Variant v : s.variants) {
                rounds.put(v.label, new ArrayList<>());
                errors.put(v.label, new ArrayList<>());
            }
        }

        List<Double> values(String variant, String key) {
            List<Double> l = new ArrayList<>();
            for (Map<String, Double> m : rounds.get(variant)) l.add(m.getOrDefault(key, Double.NaN));
            return l;
        }

        double median(String variant, String key) {
            return Stats.median(values(variant, key));
        }

        int n(String variant) {
            return rounds.get(variant).size();
        }
    }

    static final long PREEMPT_WINDOW_MS = 5_000, FIFO_WINDOW_MS = 3_000, IDLE_WINDOW_MS = 10_000, PINGPONG_WINDOW_MS = 2_000;
    /** Time the idle children get to start, park 10,000 threads and collect garbage before the window. */
    static final long IDLE_LEAD_MS = 6_000;

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        l.add(new Scenario("a", "preempt", "(a) preemption latency: 4 CPU-bound hogs and a 1 ms sleep loop, 5 s, P=2",
                List.of(v("gort, hogs call Gort.checkpoint()", "gort", 2, "scenario=preempt", "variant=checkpoint"),
                        v("gort, hogs never check", "gort", 2, "scenario=preempt", "variant=plain"),
                        v("JDK default scheduler, same hogs", "jdk", 2, "scenario=preempt", "variant=plain")),
                PREEMPT_WINDOW_MS + 60_000, false, Scenarios::tickerTable));
        l.add(new Scenario("b", "fifo", "(b) latency while both Ps' goroutines block reading a FIFO: 1 ms sleep loop, 3 s, P=2",
                List.of(v("gort, read inside Gort.syscall (declared)", "gort", 2, "scenario=fifo", "variant=declared"),
                        v("gort, plain FileInputStream read (undeclared)", "gort", 2, "scenario=fifo", "variant=undeclared"),
                        v("JDK default scheduler, plain read", "jdk", 2, "scenario=fifo", "variant=undeclared")),
                FIFO_WINDOW_MS + 60_000, false, Scenarios::tickerTable));
        l.add(new Scenario("c", "idle", "(c) idle cost: process CPU time over 10 s with 10,000 parked threads, P=2",
                List.of(v("bare JVM (sleeps)", "bare", 0, "scenario=idle"),
                        v("gort, 10,000 goroutines in WaitGroup.await", "gort", 0, "scenario=idle"),
                        v("JDK default scheduler, 10,000 virtual threads in CountDownLatch.await", "jdk", 2, "scenario=idle")),
                IDLE_LEAD_MS + IDLE_WINDOW_MS + 60_000, true, Scenarios::idleTable));
        List<Variant> pp = new ArrayList<>();
        for (String[] s : new String[][] {{"gort, work loop calls Gort.checkpoint()", "gort", "checkpoint"},
                {"gort, work loop without checkpoints", "gort", "plain"},
                {"JDK default scheduler", "jdk", "plain"}}) {
            for (String order : new String[] {"heavy", "light"}) {
                pp.add(v(s[0] + "; " + order + " pair first", s[1], 1, "scenario=pingpong", "variant=" + s[2], "order=" + order));
            }
        }
        l.add(new Scenario("e", "pingpong", "(e) fairness (Go's TestPingPongHog): a heavy and a light ping-pong pair, 2 s, P=1",
                pp, PINGPONG_WINDOW_MS + 60_000, false, Scenarios::pingPongTable));
        l.add(AgentScenario.scenario());
        return l;
    }

    private static Variant v(String label, String sched, int procs, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("sched=" + sched);
        return new Variant(label, sched, procs, a);
    }

    /** --diag: the idle children print which threads (GC, JIT, VM, gort) used CPU around the window. */
    static boolean idleDiag;

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        Path out = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--diag" -> idleDiag = true;
                case "--list", "-l" -> {
                    for (Scenario s : all()) System.out.println(s.id + " | " + s.name + ": " + s.title);
                    return;
                }
                case "--help", "-h" -> {
                    System.out.println("usage: Scenarios [a|preempt] [b|fifo] [c|idle] [e|pingpong] [f|agent] [--rounds N (3)] [--out FILE.md] [--list] [--diag]");
                    return;
                }
                default -> names.add(args[i]);
            }
        }
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1");
        List<Scenario> chosen = new ArrayList<>();
        for (Scenario s : all()) {
            if (names.isEmpty() || names.contains("all") || names.contains(s.id) || names.contains(s.name)) chosen.add(s);
        }
        for (String n : names) {
            if (!n.equals("all") && all().stream().noneMatch(s -> s.id.equals(n) || s.name.equals(n))) {
                throw new IllegalArgumentException("unknown scenario " + n + " (known: a preempt, b fifo, c idle, e pingpong, f agent)");
            }
        }

        long t0 = System.currentTimeMillis();
        StringBuilder md = new StringBuilder();
        md.append(header(args, rounds));
        List<Results> results = new ArrayList<>();
        for (Scenario s : chosen) {
            Results r = runScenario(s, rounds);
            results.add(r);
        }
        md.append(summary(results)).append('\n');
        for (Results r : results) {
            md.append("#### ").append(r.scenario.title).append("\n\n");
            md.append(String.format(Locale.ROOT, "%d round(s), %.0f s; load average before %s, after %s.%n%n",
                    rounds, r.millis / 1000.0, r.loadBefore, r.loadAfter));
            md.append(r.scenario.table.apply(r)).append('\n');
            for (Map.Entry<String, List<String>> e : r.errors.entrySet()) {
                for (String err : e.getValue()) md.append("- **error** in ").append(e.getKey()).append(": ").append(err).append('\n');
            }
        }
        md.append(String.format(Locale.ROOT, "Total time %.0f s.%n", (System.currentTimeMillis() - t0) / 1000.0));
        System.out.println();
        System.out.print(md);
        if (out != null) {
            Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
            System.err.println("written to " + out.toAbsolutePath());
        }
    }

    static Results runScenario(Scenario s, int rounds) throws Exception {
        Results r = new Results(s);
        r.loadBefore = BenchHost.loadavg();
        long t0 = System.currentTimeMillis();
        for (int round = 1; round <= rounds; round++) {
            if (s.concurrentRound) {
                // All variants of the round measure the same window (see IdleCost).
                long windowStart = System.currentTimeMillis() + IDLE_LEAD_MS;
                List<Process> ps = new ArrayList<>();
                for (Variant v : s.variants) {
                    List<String> a = new ArrayList<>(v.args);
                    a.add("window=" + IDLE_WINDOW_MS);
                    a.add("windowstart=" + windowStart);
                    if (idleDiag) a.add("diag=1");
                    ps.add(start(v, a));
                }
                for (int i = 0; i < ps.size(); i++) collect(r, s, s.variants.get(i), ps.get(i), round, rounds);
            } else {
                for (Variant v : s.variants) {
                    List<String> a = new ArrayList<>(v.args);
                    a.add("window=" + switch (s.name) {
                        case "preempt", AgentScenario.NAME -> PREEMPT_WINDOW_MS;
                        case "fifo" -> FIFO_WINDOW_MS;
                        default -> PINGPONG_WINDOW_MS;
                    });
                    collect(r, s, v, start(v, a), round, rounds);
                }
            }
        }
        r.millis = System.currentTimeMillis() - t0;
        r.loadAfter = BenchHost.loadavg();
        return r;
    }

    private static Process start(Variant v, List<String> args) throws IOException {
        if (AgentScenario.owns(v)) return AgentScenario.start(v, args);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED"); // ProcessCpu's clock_gettime downcall
        if (v.sched.equals("jdk")) {
            cmd.add("-Djdk.virtualThreadScheduler.parallelism=" + v.procs);
            cmd.add("-Djdk.virtualThreadScheduler.maxPoolSize=" + v.procs);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CHILD);
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void collect(Results r, Scenario s, Variant v, Process p, int round, int rounds) throws Exception {
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = br.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
        });
        String error = null;
        if (!p.waitFor(s.childTimeoutMs, TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            error = "timed out after " + s.childTimeoutMs / 1000 + " s (killed)";
        }
        reader.join(5_000);
        Map<String, Double> m = null;
        synchronized (lines) {
            for (String line : lines) {
                if (line.startsWith("RESULT")) m = BenchHost.parseResult(line);
                else if (line.startsWith("ERROR") && error == null) error = line.substring(5).trim();
            }
        }
        if (m == null && error == null) error = "no result (exit status " + p.exitValue() + ")";
        String tag = String.format(Locale.ROOT, "[%s %d/%d] %s: ", s.id, round, rounds, v.label);
        if (m != null) {
            r.rounds.get(v.label).add(m);
            System.err.println(tag + m);
        } else {
            r.errors.get(v.label).add("round " + round + ": " + error);
            System.err.println(tag + "ERROR " + error);
        }
    }

    // ---- goals ----

    /** Goal text and verdict for a variant, or null if the row is a reference (the JDK, the bare JVM). */
    record Goal(String text, double limitLow, double limitHigh, String key) {
        boolean meets(double v) {
            return Double.isFinite(v) ? v >= limitLow && v <= limitHigh : false;
        }
    }

    static Goal goal(Scenario s, Variant v) {
        if (!v.sched.equals("gort")) return null;
        return switch (s.name) {
            case "preempt" -> v.args.contains("variant=checkpoint")
                    ? new Goal("p99 ≤ 12 ms", 0, 12, "p99") : new Goal("p99 ≤ 25 ms", 0, 25, "p99");
            case "fifo" -> new Goal("p99 ≤ 1 ms", 0, 1, "p99");
            case AgentScenario.NAME -> AgentScenario.goal(v);
            case "idle" -> new Goal("≤ 0.01 % of a core above bare (≤ 1 ms per 10 s)", Double.NEGATIVE_INFINITY, 1, "abovebare");
            case "pingpong" -> v.args.contains("variant=checkpoint")
                    ? new Goal("heavy : light within 2×", 0.5, 2, "ratio")
                    : new Goal("(no goal; within 2× reported)", 0.5, 2, "ratio");
            default -> null;
        };
    }

    /** "yes (3/3 rounds)" from the median, and how many single rounds met it. */
    static String verdict(Goal g, double median, List<Double> perRound) {
        if (g == null) return "reference";
        int ok = 0;
        for (Double d : perRound) if (d != null && g.meets(d)) ok++;
        String v = Double.isNaN(median) ? "no figure" : g.meets(median) ? "**yes**" : "**no**";
        if (g.text.startsWith("(no goal")) v = g.meets(median) ? "within 2×" : "not within 2×";
        return v + " (" + ok + "/" + perRound.size() + " rounds)";
    }

    // ---- tables ----

    static String tickerTable(Results r) {
        Scenario s = r.scenario;
        boolean preempt = s.name.equals("preempt") || s.name.equals(AgentScenario.NAME);
        StringBuilder sb = new StringBuilder();
        sb.append("| variant | ticks in ").append(preempt ? "5" : "3").append(" s | delay p50 (ms) | p99 (ms) | max (ms) | first ran after (ms) | p99 / max per round (ms) | ")
                .append(preempt ? "gort: preemption requests / runaway hand-offs" : "gort: syscall retakes / blocked hand-offs")
                .append(" | goal | met |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Variant v : s.variants) {
            String l = v.label;
            Goal g = goal(s, v);
            double p99 = r.median(l, "p99");
            String counters = v.sched.equals("gort")
                    ? preempt ? cnt(r.median(l, "preemptions")) + " / " + cnt(r.median(l, "runawayhandoffs"))
                    : cnt(r.median(l, "syscallretakes")) + " / " + cnt(r.median(l, "blockedhandoffs"))
                    : "—";
            sb.append("| ").append(l).append(" | ").append(cnt(r.median(l, "ticks")))
                    .append(" | ").append(fmt(r.median(l, "p50")))
                    .append(" | ").append(fmt(p99))
                    .append(" | ").append(fmt(r.median(l, "max")))
                    .append(" | ").append(fmt(r.median(l, "firstrun")))
                    .append(" | ").append(perRound(r.values(l, "p99"), r.values(l, "max")))
                    .append(" | ").append(counters)
                    .append(" | ").append(g == null ? "—" : g.text)
                    .append(" | ").append(verdict(g, p99, r.values(l, "p99")))
                    .append(" |\n");
        }
        return sb.toString();
    }

    static String idleTable(Results r) {
        Scenario s = r.scenario;
        String bare = s.variants.get(0).label;
        List<Double> bareCpu = r.values(bare, "cpums");
        StringBuilder sb = new StringBuilder();
        sb.append("| variant | process CPU in the 10 s window (ms) | per round (ms) | above bare (ms, median of per-round differences) | % of one core above bare | gort threads' CPU (ms) | JIT compile time in the window, per round (ms) | goal | met |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Variant v : s.variants) {
            String l = v.label;
            List<Double> cpu = r.values(l, "cpums");
            List<Double> diff = new ArrayList<>();
            for (int i = 0; i < Math.min(cpu.size(), bareCpu.size()); i++) diff.add(cpu.get(i) - bareCpu.get(i));
            double above = Stats.median(diff);
            for (int i = 0; i < r.rounds.get(l).size() && i < diff.size(); i++) r.rounds.get(l).get(i).put("abovebare", diff.get(i));
            boolean isBare = l.equals(bare);
            Goal g = goal(s, v);
            sb.append("| ").append(l).append(" | ").append(fmt(Stats.median(cpu)))
                    .append(" | ").append(list(cpu))
                    .append(" | ").append(isBare ? "—" : fmt(above))
                    .append(" | ").append(isBare ? "—" : String.format(Locale.ROOT, "%.4f %%", above / IDLE_WINDOW_MS * 100))
                    .append(" | ").append(v.sched.equals("gort") ? String.format(Locale.ROOT, "%.3f", r.median(l, "gortthreadsms")) : "—")
                    .append(" | ").append(list(r.values(l, "jitms")))
                    .append(" | ").append(g == null ? "—" : g.text)
                    .append(" | ").append(verdict(g, above, diff))
                    .append(" |\n");
        }
        return sb.toString();
    }

    static String pingPongTable(Results r) {
        Scenario s = r.scenario;
        StringBuilder sb = new StringBuilder();
        sb.append("| variant | heavy turns | light turns | heavy : light CPU (turns × work) | per round | heavy turn (ms) | gort: preemption requests / runaway hand-offs | goal | met |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Variant v : s.variants) {
            String l = v.label;
            Goal g = goal(s, v);
            double ratio = r.median(l, "ratio");
            sb.append("| ").append(l).append(" | ").append(cnt(r.median(l, "heavyturns")))
                    .append(" | ").append(cnt(r.median(l, "lightturns")))
                    .append(" | ").append(ratioFmt(ratio))
                    .append(" | ").append(ratioList(r.values(l, "ratio")))
                    .append(" | ").append(fmt(r.median(l, "heavyturnms")))
                    .append(" | ").append(v.sched.equals("gort") ? cnt(r.median(l, "preemptions")) + " / " + cnt(r.median(l, "runawayhandoffs")) : "—")
                    .append(" | ").append(g == null ? "—" : g.text)
                    .append(" | ").append(verdict(g, ratio, r.values(l, "ratio")))
                    .append(" |\n");
        }
        return sb.toString();
    }

    static String summary(List<Results> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | gort | JDK default scheduler | goal (gort) | met |\n|---|---|---|---|---|\n");
        for (Results r : results) {
            Scenario s = r.scenario;
            Variant jdk = null;
            for (Variant v : s.variants) if (v.sched.equals("jdk")) jdk = v;
            if (s.name.equals("idle")) r.scenario.table.apply(r); // fills "abovebare"
            for (Variant v : s.variants) {
                Goal g = goal(s, v);
                if (g == null) continue;
                String l = v.label;
                double m = r.median(l, g.key);
                String gortFig, jdkFig;
                switch (s.name) {
                    case "preempt", "fifo", AgentScenario.NAME -> {
                        gortFig = "p99 " + fmt(m) + " ms (p50 " + fmt(r.median(l, "p50")) + ", max " + fmt(r.median(l, "max")) + ")";
                        jdkFig = jdk == null ? "—" : tickerSummary(r, jdk.label);
                    }
                    case "idle" -> {
                        gortFig = fmt(m) + " ms CPU above bare in 10 s (" + String.format(Locale.ROOT, "%.4f %%", m / IDLE_WINDOW_MS * 100) + " of a core)";
                        jdkFig = jdk == null ? "—" : fmt(r.median(jdk.label, "abovebare")) + " ms above bare";
                    }
                    default -> {
                        gortFig = "heavy : light " + ratioFmt(m);
                        Variant j = null;
                        String order = v.args.contains("order=heavy") ? "order=heavy" : "order=light";
                        for (Variant x : s.variants) if (x.sched.equals("jdk") && x.args.contains(order)) j = x;
                        jdkFig = j == null ? "—" : "heavy : light " + ratioFmt(r.median(j.label, "ratio"));
                    }
                }
                sb.append("| ").append(s.id).append(": ").append(l).append(" | ").append(gortFig).append(" | ").append(jdkFig)
                        .append(" | ").append(g.text).append(" | ").append(verdict(g, m, r.values(l, g.key))).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String tickerSummary(Results r, String label) {
        double ticks = r.median(label, "ticks");
        if (!(ticks > 0)) return "0 ticks (starved; first ran " + fmt(r.median(label, "firstrun")) + " ms after start)";
        return cnt(ticks) + " ticks, p99 " + fmt(r.median(label, "p99")) + " ms, max " + fmt(r.median(label, "max")) + " ms";
    }

    // ---- formatting ----

    static String fmt(double v) {
        if (Double.isNaN(v)) return "—";
        if (Double.isInfinite(v)) return "∞";
        double a = Math.abs(v);
        if (a == Math.rint(a) && a >= 10) return String.format(Locale.ROOT, "%.0f", v);
        if (a < 10) return String.format(Locale.ROOT, "%.2f", v);
        if (a < 1000) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** A count (ticks, turns, counters): no decimals when it is whole. */
    static String cnt(double v) {
        return Double.isFinite(v) && v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : fmt(v);
    }

    static String list(List<Double> l) {
        List<String> s = new ArrayList<>();
        for (Double d : l) s.add(fmt(d));
        return String.join(", ", s);
    }

    static String perRound(List<Double> a, List<Double> b) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) s.add(fmt(a.get(i)) + " / " + fmt(b.get(i)));
        return String.join("; ", s);
    }

    static String ratioFmt(double r) {
        if (Double.isNaN(r)) return "—";
        if (Double.isInfinite(r)) return "∞ (light pair never ran)";
        if (r >= 100) return String.format(Locale.ROOT, "%.0f : 1", r);
        if (r >= 1) return String.format(Locale.ROOT, "%.2f : 1", r);
        if (r == 0) return "0 (heavy pair never ran)";
        return String.format(Locale.ROOT, "1 : %.2f", 1 / r);
    }

    static String ratioList(List<Double> l) {
        List<String> s = new ArrayList<>();
        for (Double d : l) s.add(Double.isInfinite(d) ? "∞" : fmt(d));
        return String.join(", ", s);
    }

    // ---- environment ----

    static String header(String[] args, int rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run: ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now()))
                .append("; ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.vm.version"))
                .append("; ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (").append(BenchHost.cpuModel()).append(")")
                .append("; ").append(BenchHost.gitDescribe()).append("; rounds: ").append(rounds)
                .append("; arguments: `").append(String.join(" ", args)).append("`.\n\n");
        return sb.toString();
    }
}
