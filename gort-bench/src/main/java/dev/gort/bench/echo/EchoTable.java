package dev.gort.bench.echo;

import dev.gort.bench.BenchHost;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The echo benchmark's results as markdown: a header, the table with the goals, the details, the errors. */
final class EchoTable {
    private EchoTable() {}

    /** Issue 6's goals for gort. */
    static final double MIN_VS_JDK = 1.0, MIN_VS_GO = 0.8, MAX_P99_VS_JDK = 1.0;

    static String header(String[] args, EchoBench.Options o, GoBuild.Result go) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run: ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(Instant.now()))
                .append("; ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.vm.version"))
                .append("; ").append(go == null ? "Go not asked for" : go.version() != null ? go.version() : "no Go")
                .append("; ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (").append(BenchHost.cpuModel()).append(")")
                .append("; ").append(BenchHost.gitDescribe())
                .append(String.format(Locale.ROOT, "; %d round(s) of %s s measured after %s s warm-up; servers at P=%d; load generator: %d thread(s)",
                        o.rounds, num(o.seconds), num(o.warmup), o.procs, o.clientThreads))
                .append("; arguments: `").append(String.join(" ", args)).append("`.\n\n");
        return sb.toString();
    }

    static String render(EchoResults r, EchoBench.Options o) {
        StringBuilder sb = new StringBuilder();
        List<ServerKind> ks = r.servers;
        boolean gort = ks.contains(ServerKind.GORT), jdk = ks.contains(ServerKind.JDK), go = ks.contains(ServerKind.GO);
        sb.append(String.format(Locale.ROOT, "Load average before %s, after %s; %.0f s.%n%n", r.loadBefore, r.loadAfter, r.millis / 1000.0));
        for (var e : r.skipped.entrySet()) sb.append("**").append(e.getKey().title()).append(" skipped**: ").append(e.getValue()).append(".\n\n");

        // The table: medians over rounds, with the goals.
        sb.append("| connections × message |");
        for (ServerKind k : ks) sb.append(' ').append(k.title()).append(" round trips/s |");
        if (gort && jdk) sb.append(" gort / JDK (goal ≥ 1) |");
        if (gort && go) sb.append(" gort / Go (goal ≥ 0.8) |");
        sb.append(" p50 µs (").append(titles(ks)).append(") | p99 µs (").append(titles(ks)).append(") |");
        if (gort && jdk) sb.append(" gort / JDK p99 (goal ≤ 1) |");
        sb.append('\n').append("|---".repeat(1 + ks.size() + (gort && jdk ? 2 : 0) + (gort && go ? 1 : 0) + 2)).append("|\n");
        Goal vsJdk = new Goal(" throughput ≥ JDK"), vsGo = new Goal(" throughput ≥ 0.8 × Go"), p99 = new Goal(" p99 ≤ JDK");
        for (EchoBench.Cell c : r.cells) {
            sb.append("| ").append(c.label()).append(" |");
            for (ServerKind k : ks) sb.append(' ').append(rate(r.median(c, k, "rtps"))).append(rounds(r, c, k, o)).append(" |");
            if (gort && jdk) {
                double q = r.median(c, ServerKind.GORT, "rtps") / r.median(c, ServerKind.JDK, "rtps");
                sb.append(' ').append(vsJdk.add(c.label(), q, q >= MIN_VS_JDK)).append(" |");
            }
            if (gort && go) {
                double q = r.median(c, ServerKind.GORT, "rtps") / r.median(c, ServerKind.GO, "rtps");
                sb.append(' ').append(vsGo.add(c.label(), q, q >= MIN_VS_GO)).append(" |");
            }
            sb.append(' ').append(joined(r, c, ks, "p50")).append(" | ").append(joined(r, c, ks, "p99")).append(" |");
            if (gort && jdk) {
                double q = r.median(c, ServerKind.GORT, "p99") / r.median(c, ServerKind.JDK, "p99");
                sb.append(' ').append(p99.add(c.label(), q, q <= MAX_P99_VS_JDK)).append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n');
        if (gort && (jdk || go)) {
            sb.append("Goals (medians over rounds; ratios of the medians):");
            if (jdk) sb.append(vsJdk).append(';').append(p99);
            if (go) sb.append(jdk ? ";" : "").append(vsGo);
            sb.append(".\n\n");
        }

        List<String> failed = new ArrayList<>();
        for (ServerKind k : ks) {
            if (r.skipped.containsKey(k)) continue;
            int bad = 0;
            for (EchoBench.Cell c : r.cells) bad += r.errors(c, k).size();
            failed.add(k.title() + " " + bad + " of " + r.cells.size() * o.rounds);
        }
        sb.append("Failed measurements (listed below the details): ").append(String.join(", ", failed)).append(".\n\n");

        // The details: per round figures, percentiles and CPU.
        sb.append("| connections × message | server | round trips/s per round | p50 (µs) | p90 (µs) | p99 (µs) | p99 per round (µs) | p99.9 (µs) | max (µs) "
                + "| server CPU (cores) | server CPU per round trip (µs) | load generator CPU (cores) |\n");
        sb.append("|---".repeat(12)).append("|\n");
        for (EchoBench.Cell c : r.cells) {
            for (ServerKind k : ks) {
                sb.append("| ").append(c.label()).append(" | ").append(k.title())
                        .append(" | ").append(list(r.values(c, k, "rtps"), true))
                        .append(" | ").append(us(r.median(c, k, "p50")))
                        .append(" | ").append(us(r.median(c, k, "p90")))
                        .append(" | ").append(us(r.median(c, k, "p99")))
                        .append(" | ").append(list(r.values(c, k, "p99"), false))
                        .append(" | ").append(us(r.median(c, k, "p999")))
                        .append(" | ").append(us(r.median(c, k, "max")))
                        .append(" | ").append(fixed(r.median(c, k, "servercpu")))
                        .append(" | ").append(fixed(r.median(c, k, "serverus")))
                        .append(" | ").append(fixed(r.median(c, k, "clientcpu")))
                        .append(" |\n");
            }
        }
        boolean anyError = false;
        for (EchoBench.Cell c : r.cells) {
            for (ServerKind k : ks) {
                for (String e : r.errors(c, k)) {
                    if (!anyError) sb.append('\n');
                    anyError = true;
                    sb.append("- **error** in ").append(c.label()).append(", ").append(k.title()).append(", ").append(e).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** One goal over the cells: how many have figures, how many meet it, which do not. */
    private static final class Goal {
        private final String what;
        private final List<String> missed = new ArrayList<>();
        private int met, n;

        Goal(String what) {
            this.what = what;
        }

        /** Counts a cell's ratio q (NaN: no figures for both) and returns its table cell. */
        String add(String cell, double q, boolean ok) {
            if (!Double.isNaN(q)) {
                n++;
                if (ok) met++; else missed.add(cell);
            }
            return verdict(q, ok);
        }

        @Override
        public String toString() {
            if (n == 0) return what + ": no cell has figures for both";
            return what + " met in " + met + " of " + n + " cells" + (missed.isEmpty() ? "" : " (not in " + String.join(", ", missed) + ")");
        }
    }

    /** " (2/3 rounds)" when some rounds failed. */
    private static String rounds(EchoResults r, EchoBench.Cell c, ServerKind k, EchoBench.Options o) {
        int ok = r.ok(c, k);
        return ok == o.rounds || r.skipped.containsKey(k) ? "" : " (" + ok + "/" + o.rounds + " rounds)";
    }

    private static String titles(List<ServerKind> ks) {
        List<String> l = new ArrayList<>();
        for (ServerKind k : ks) l.add(k.title());
        return String.join(" / ", l);
    }

    private static String joined(EchoResults r, EchoBench.Cell c, List<ServerKind> ks, String key) {
        List<String> l = new ArrayList<>();
        for (ServerKind k : ks) l.add(us(r.median(c, k, key)));
        return String.join(" / ", l);
    }

    private static String verdict(double q, boolean met) {
        if (Double.isNaN(q) || Double.isInfinite(q)) return "—";
        return String.format(Locale.ROOT, "%.2f", q) + (met ? " yes" : " **no**");
    }

    static String rate(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String us(double v) {
        if (Double.isNaN(v)) return "—";
        return v < 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String fixed(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String list(List<Double> l, boolean rates) {
        if (l.isEmpty()) return "—";
        List<String> s = new ArrayList<>();
        for (Double d : l) s.add(rates ? rate(d) : us(d));
        return String.join("; ", s);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
    }
}
