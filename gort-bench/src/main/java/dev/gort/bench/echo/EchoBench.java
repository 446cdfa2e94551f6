package dev.gort.bench.echo;

import dev.gort.bench.BenchHost;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The echo benchmark of issue 6: gort's {@code dev.gort.net} against a JDK 25 echo server
 * ({@code ServerSocket}, a virtual thread per connection, the default scheduler) and Go's
 * {@code net} (where {@code go} is installed), driven by one load generator, side by side in one
 * run: round trips per second and p50/p99 at 1, 100 and 1000 connections × 64 B and 4 KiB
 * messages.
 *
 * <pre>
 * ./gort bench --echo [--rounds N (3)] [--seconds S (3)] [--warmup S (2)] [--conns 1,100,1000]
 *     [--sizes 64,4096] [--servers gort,jdk,go] [--procs P (2)] [--client-threads T (2)] [--out FILE.md]
 * </pre>
 *
 * <h2>How it measures</h2>
 * This class only orchestrates. Each measurement ({@link Trial}) starts the server in a process
 * of its own ({@link GortEchoServer}, {@link JdkEchoServer}, or the Go binary built from
 * {@code gort-bench/go/echo} by {@link GoBuild}), waits until it prints its port, then starts the
 * load generator ({@link LoadGen}, another JVM): {@code conns} connections, a closed loop of
 * {@code size}-byte round trips on each, checked byte for byte, a warm-up and then the measured
 * window. Both processes share the machine's cores. The server is killed after every
 * measurement, so each starts cold and none inherits another's sockets, heap or JIT state.
 * Rounds interleave the servers as the scenario benchmarks do (round 1 measures every cell on
 * every server, then round 2, ...), and the order of the servers rotates from round to round, so
 * slow drifts in the machine's load and any order effect hit every server alike. The tables show
 * the median of the per-round figures; ratios are ratios of those medians.
 *
 * <p>The header names the git commit of the working directory; {@code -Dgort.bench.commit=TEXT}
 * replaces it, for a jar built from a clean checkout elsewhere.
 */
public final class EchoBench {
    private EchoBench() {}

    /** The options, with their defaults: a full run of 3 rounds × 6 cells × 3 servers takes about 5 minutes (6 s per measurement). */
    static final class Options {
        int rounds = 3, procs = 2, clientThreads = 2;
        double seconds = 3, warmup = 2;
        List<Integer> conns = List.of(1, 100, 1000), sizes = List.of(64, 4096);
        List<ServerKind> servers = List.of(ServerKind.GORT, ServerKind.JDK, ServerKind.GO);
        Path out;
    }

    /** A (connections, message size) pair: a row of the table. */
    record Cell(int conns, int size) {
        String label() {
            return conns + " × " + (size % 1024 == 0 ? size / 1024 + " KiB" : size + " B");
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        if (o == null) return;
        List<Cell> cells = new ArrayList<>();
        for (int c : o.conns) for (int s : o.sizes) cells.add(new Cell(c, s));
        EchoResults r = new EchoResults(cells, o.servers);

        GoBuild.Result go = null;
        if (o.servers.contains(ServerKind.GO)) {
            go = GoBuild.build();
            if (go.skipped() != null) {
                r.skipped.put(ServerKind.GO, go.skipped());
                System.err.println("Go server skipped: " + go.skipped());
            } else {
                System.err.println("Go server built with " + go.version() + ": " + go.binary());
            }
        }
        List<ServerKind> servers = new ArrayList<>();
        for (ServerKind k : o.servers) if (!r.skipped.containsKey(k)) servers.add(k);
        Trial.Settings s = new Trial.Settings(o.procs, o.clientThreads, (long) (o.warmup * 1000), (long) (o.seconds * 1000),
                go == null ? null : go.binary());

        String header = EchoTable.header(args, o, go); // the start time
        r.loadBefore = BenchHost.loadavg();
        long t0 = System.currentTimeMillis();
        int total = o.rounds * cells.size() * servers.size(), done = 0;
        for (int round = 1; round <= o.rounds; round++) {
            for (Cell cell : cells) {
                for (int i = 0; i < servers.size(); i++) {
                    ServerKind k = servers.get((i + round - 1) % servers.size()); // rotate the order per round
                    String tag = String.format(Locale.ROOT, "%s %dx%d r%d", k.id, cell.conns, cell.size, round);
                    Trial.Outcome out = Trial.run(k, cell.conns, cell.size, s, tag);
                    r.add(cell, k, round, out);
                    done++;
                    System.err.printf(Locale.ROOT, "[%d/%d] round %d, %s, %s: %s%n", done, total, round, cell.label(), k.id,
                            out.error() != null ? "ERROR " + out.error() : progress(out.result()));
                }
            }
        }
        r.millis = System.currentTimeMillis() - t0;
        r.loadAfter = BenchHost.loadavg();

        String md = header + EchoTable.render(r, o);
        System.out.println();
        System.out.print(md);
        if (o.out != null) {
            Files.writeString(o.out, md, StandardCharsets.UTF_8);
            System.err.println("written to " + o.out.toAbsolutePath());
        }
    }

    private static String progress(Map<String, Double> m) {
        return String.format(Locale.ROOT, "%.0f round trips/s, p50 %.1f µs, p99 %.1f µs, max %.0f µs; server CPU %.2f cores, load generator %.2f",
                m.get("rtps"), m.get("p50"), m.get("p99"), m.get("max"), m.get("servercpu"), m.get("clientcpu"));
    }

    private static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("usage: EchoBench [--rounds N (3)] [--seconds S (3, the measured window)] [--warmup S (2)]"
                        + " [--conns 1,100,1000] [--sizes 64,4096] [--servers gort,jdk,go] [--procs P (2)]"
                        + " [--client-threads T (2)] [--out FILE.md]");
                return null;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value (--help lists the options)");
            String v = args[++i];
            switch (a) {
                case "--rounds" -> o.rounds = Integer.parseInt(v);
                case "--seconds" -> o.seconds = Double.parseDouble(v);
                case "--warmup" -> o.warmup = Double.parseDouble(v);
                case "--conns" -> o.conns = ints(v);
                case "--sizes" -> o.sizes = ints(v);
                case "--servers" -> {
                    List<ServerKind> l = new ArrayList<>();
                    for (String x : v.split(",")) if (!x.isBlank()) l.add(ServerKind.of(x.trim()));
                    o.servers = l;
                }
                case "--procs" -> o.procs = Integer.parseInt(v);
                case "--client-threads" -> o.clientThreads = Integer.parseInt(v);
                case "--out" -> o.out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (--help lists the options)");
            }
        }
        if (o.rounds < 1 || o.procs < 1 || o.clientThreads < 1 || !(o.seconds > 0) || o.warmup < 0
                || o.conns.isEmpty() || o.sizes.isEmpty() || o.servers.isEmpty()) {
            throw new IllegalArgumentException("--rounds, --procs, --client-threads, --seconds must be positive; --conns, --sizes, --servers not empty");
        }
        return o;
    }

    private static List<Integer> ints(String v) {
        List<Integer> l = new ArrayList<>();
        for (String x : v.split(",")) {
            if (x.isBlank()) continue;
            int n = Integer.parseInt(x.trim());
            if (n < 1) throw new IllegalArgumentException("not a positive number: " + x);
            l.add(n);
        }
        return l;
    }

    /** java of this JVM with the flags every gort JVM needs (harmless for the JDK server and the load generator). */
    static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED");
    }
}
