package dev.gort.bench.agent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The results of {@link AgentOverhead}: every measurement iteration's score per benchmark,
 * variant and round, with the CPU other processes used meanwhile, and the Markdown table made of
 * them: median and min–max over all iterations of all rounds; the ratio of the medians, round by
 * round and over all rounds; and the same ratio over the quiet rounds only (no fork of the row's
 * round saw other processes use more than {@value #QUIET_CORES} of a core), on which the verdict
 * is based when there is one.
 */
final class OverheadTable {
    /** The goal of issue 5: at most 3 % overhead. */
    static final double GOAL = 1.03;
    /** Other processes' CPU (cores) above which a fork's round counts as disturbed. Arbitrary. */
    static final double QUIET_CORES = 0.10;
    private static final List<String> WORKLOAD_ORDER = List.of("sumArray", "scalarLoop", "xorshift", "matmul", "fib", "hashMap", "emptyRun", "emptyRunAfterIdle");
    private static final Map<String, String> DESCRIPTION = Map.of(
            "sumArray", "(a) sum of an int[4096]",
            "scalarLoop", "(a) counted scalar loop, 4096 steps",
            "xorshift", "(b) xorshift64, 4096 steps",
            "matmul", "(c) 256×256 double matmul",
            "fib", "(d) fib(30), recursive",
            "hashMap", "(e) HashMap get+put × 4096",
            "emptyRun", "rt.run of an empty goroutine, back to back",
            "emptyRunAfterIdle", "rt.run of an empty goroutine after 2 ms idle");

    private final List<String> methods;
    /** method → variant → round → iteration scores (ns/op). */
    private final Map<String, Map<AgentVariant, TreeMap<Integer, List<Double>>>> scores = new LinkedHashMap<>();
    /** method → round → the most CPU (cores) other processes used during one of its forks. */
    private final Map<String, TreeMap<Integer, Double>> foreign = new LinkedHashMap<>();

    OverheadTable(List<String> methods) {
        this.methods = sorted(methods);
        for (String m : this.methods) scores.put(m, new EnumMap<>(AgentVariant.class));
    }

    void add(String method, AgentVariant v, int round, List<Double> iterationScores, double foreignCores) {
        scores.computeIfAbsent(method, k -> new EnumMap<>(AgentVariant.class))
                .computeIfAbsent(v, k -> new TreeMap<>())
                .computeIfAbsent(round, k -> new ArrayList<>())
                .addAll(iterationScores);
        foreign.computeIfAbsent(method, k -> new TreeMap<>()).merge(round, foreignCores, (a, b) -> Double.isNaN(a) ? b : Math.max(a, b));
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | runs on | no agent: ns/op median (min–max) | agent: ns/op median (min–max) | agent ÷ no agent "
                + "| per round († disturbed) | quiet rounds only | entries=true: ns/op median (min–max) | entries ÷ no agent "
                + "| goal ≤ ").append(pct(GOAL)).append(" |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String m : methods) {
            Map<AgentVariant, TreeMap<Integer, List<Double>>> byVariant = scores.get(m);
            String workload = m.substring(0, m.indexOf('_'));
            List<Double> plain = all(byVariant.get(AgentVariant.PLAIN));
            List<Double> agent = all(byVariant.get(AgentVariant.AGENT));
            List<Double> entries = all(byVariant.get(AgentVariant.ENTRIES));
            TreeMap<Integer, Double> load = foreign.getOrDefault(m, new TreeMap<>());
            double ratio = median(agent) / median(plain);
            double eRatio = median(entries) / median(plain);
            double quietRatio = median(quiet(byVariant.get(AgentVariant.AGENT), load)) / median(quiet(byVariant.get(AgentVariant.PLAIN), load));
            double quietERatio = median(quiet(byVariant.get(AgentVariant.ENTRIES), load)) / median(quiet(byVariant.get(AgentVariant.PLAIN), load));
            boolean reference = workload.startsWith("emptyRun");
            sb.append("| ").append(DESCRIPTION.getOrDefault(workload, workload))
                    .append(" | ").append(m.endsWith("_goroutine") ? "goroutine" : "JMH thread")
                    .append(" | ").append(summary(plain))
                    .append(" | ").append(summary(agent))
                    .append(" | ").append(reference ? "—" : ratioText(ratio))
                    .append(" | ").append(reference ? "—" : perRound(byVariant.get(AgentVariant.AGENT), byVariant.get(AgentVariant.PLAIN), load))
                    .append(" | ").append(reference ? "—" : ratioText(quietRatio))
                    .append(" | ").append(entries.isEmpty() ? "—" : summary(entries))
                    .append(" | ").append(entries.isEmpty() ? "—" : ratioText(eRatio))
                    .append(" | ").append(reference ? "—" : verdict(pick(quietRatio, ratio), entries.isEmpty() ? Double.NaN : pick(quietERatio, eRatio)))
                    .append(" |\n");
        }
        return sb.toString();
    }

    static String header(String[] args, int rounds, Path agentJar) {
        return "Run: " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "; " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")
                + "; " + Runtime.getRuntime().availableProcessors() + " CPUs; rounds (forks per variant): " + rounds
                + "; arguments: `" + String.join(" ", args) + "`; agent " + agentJar + " with `" + AgentVariant.AGENT.options
                + "`.\n\nScores are ns per kernel call, over every measurement iteration of every round; ratios are of medians. "
                + "† marks a round in which a fork of the row saw other processes use more than " + QUIET_CORES
                + " of a core (the most, in cores, in parentheses); the verdict uses the quiet rounds when there are any.\n\n";
    }

    // ---- helpers ----

    private static List<String> sorted(List<String> methods) {
        List<String> l = new ArrayList<>(methods);
        l.sort((a, b) -> {
            int ia = rank(a), ib = rank(b);
            return ia != ib ? Integer.compare(ia, ib) : b.compareTo(a); // "thread" before "goroutine"
        });
        return l;
    }

    private static int rank(String method) {
        int i = WORKLOAD_ORDER.indexOf(method.substring(0, Math.max(0, method.indexOf('_'))));
        return i < 0 ? WORKLOAD_ORDER.size() : i;
    }

    private static List<Double> all(TreeMap<Integer, List<Double>> rounds) {
        List<Double> l = new ArrayList<>();
        if (rounds != null) rounds.values().forEach(l::addAll);
        return l;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int k = v.size();
        return k % 2 == 1 ? v.get(k / 2) : (v.get(k / 2 - 1) + v.get(k / 2)) / 2;
    }

    private static String summary(List<Double> v) {
        if (v.isEmpty()) return "—";
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return ns(median(s)) + " (" + ns(s.getFirst()) + "–" + ns(s.getLast()) + ")";
    }

    private static String perRound(TreeMap<Integer, List<Double>> agent, TreeMap<Integer, List<Double>> plain, TreeMap<Integer, Double> load) {
        if (agent == null || plain == null) return "—";
        List<String> l = new ArrayList<>();
        for (var e : agent.entrySet()) {
            List<Double> p = plain.get(e.getKey());
            if (p == null) continue;
            double cores = load.getOrDefault(e.getKey(), Double.NaN);
            l.add(String.format(Locale.ROOT, "%.3f", median(e.getValue()) / median(p))
                    + (cores > QUIET_CORES ? String.format(Locale.ROOT, "† (%.2f)", cores) : ""));
        }
        return String.join(", ", l);
    }

    /** The scores of the rounds in which no fork saw other processes use more than QUIET_CORES. */
    private static List<Double> quiet(TreeMap<Integer, List<Double>> rounds, TreeMap<Integer, Double> load) {
        List<Double> l = new ArrayList<>();
        if (rounds == null) return l;
        rounds.forEach((round, v) -> {
            if (!(load.getOrDefault(round, Double.NaN) > QUIET_CORES)) l.addAll(v); // NaN (no /proc): counted as quiet
        });
        return l;
    }

    private static double pick(double quietRatio, double allRatio) {
        return Double.isNaN(quietRatio) ? allRatio : quietRatio;
    }

    private static String verdict(double ratio, double entriesRatio) {
        if (Double.isNaN(ratio)) return "—";
        String v = ratio <= GOAL ? "yes" : "**no**";
        if (!Double.isNaN(entriesRatio)) v += "; entries: " + (entriesRatio <= GOAL ? "yes" : "**no**");
        return v;
    }

    private static String ratioText(double r) {
        if (Double.isNaN(r)) return "—";
        return String.format(Locale.ROOT, "%.3f (%+.1f %%)", r, (r - 1) * 100);
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.0f %%", (ratio - 1) * 100);
    }

    /** ns with three significant digits (or whole above 1000). */
    static String ns(double v) {
        if (Double.isNaN(v)) return "—";
        if (v >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
