package dev.gort.bench.agent;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs {@link AgentOverheadBench} in forks without the gort agent and with it, and prints the
 * side-by-side table (medians, ranges, ratios agent ÷ no agent) in Markdown.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *     -cp gort-bench/target/gort-bench.jar dev.gort.bench.agent.AgentOverhead \
 *     [REGEX...] [-f ROUNDS] [-wi N] [-i N] [-w TIME] [-r TIME] [other JMH options] [--out FILE.md]
 * </pre>
 * REGEX selects benchmark methods by name (for example {@code fib} or {@code _goroutine}); the
 * other options are JMH's ({@code -jvmArgsAppend} goes before each variant's own arguments, for
 * experiments with JIT flags). {@code -f N} is the number of rounds (default 2): each round runs,
 * for every selected benchmark in turn, one fork per variant back to back (which variant goes
 * first alternates), so the two sides of a ratio are measured seconds apart and slow drifts of a
 * noisy machine hit both alike. {@code entries=true} runs only for {@code fib}, the workload it is
 * for (a method with no loop has no checkpoint otherwise). The CPU that other processes used
 * during each fork ({@link ForeignLoad}) is reported, so that a round disturbed by someone
 * else's work shows. The agent jar is found by {@link AgentJar}. A fork whose agent state does not match its
 * variant fails in its set-up ({@link AgentVariant#verify}) and ends the run.
 */
public final class AgentOverhead {
    private AgentOverhead() {}

    public static void main(String[] args) throws Exception {
        Path out = null;
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out")) out = Path.of(args[++i]);
            else jmhArgs.add(args[i]);
        }
        CommandLineOptions cl;
        try {
            cl = new CommandLineOptions(jmhArgs.toArray(String[]::new));
            List<String> filters = cl.getIncludes();
            jmhArgs.removeAll(filters); // JMH would add the parent's includes to ours
            CommandLineOptions parent = new CommandLineOptions(jmhArgs.toArray(String[]::new));
            run(cl, parent, filters, args, out);
        } catch (CommandLineOptionException e) {
            System.err.println("AgentOverhead: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(CommandLineOptions cl, Options parent, List<String> filters, String[] args, Path out)
            throws Exception {
        int rounds = cl.getForkCount().orElse(2);
        if (rounds < 1) throw new IllegalArgumentException("-f must be at least 1 (it is the number of rounds)");
        Path jar = AgentJar.locate();
        List<String> all = benchmarks(filters);
        if (all.isEmpty()) throw new IllegalArgumentException("no benchmark of AgentOverheadBench matches " + filters);
        List<String> fib = all.stream().filter(m -> m.startsWith("fib_")).toList();

        OverheadTable table = new OverheadTable(all);
        long t0 = System.currentTimeMillis();
        for (int round = 1; round <= rounds; round++) {
            for (int b = 0; b < all.size(); b++) {
                String method = all.get(b);
                // The variants of one benchmark run back to back, first one then the other in turn.
                List<AgentVariant> order = new ArrayList<>((round + b) % 2 == 1
                        ? List.of(AgentVariant.PLAIN, AgentVariant.AGENT) : List.of(AgentVariant.AGENT, AgentVariant.PLAIN));
                if (fib.contains(method)) order.add(AgentVariant.ENTRIES);
                for (AgentVariant v : order) {
                    System.err.printf("%n==== AgentOverhead round %d/%d: %s, %s ====%n", round, rounds, method, v.label);
                    Options o = new OptionsBuilder().parent(parent)
                            .include(Pattern.quote(AgentOverheadBench.class.getName() + "." + method) + "$")
                            .forks(1)
                            .shouldFailOnError(true)
                            .jvmArgsAppend(jvmArgs(parent, v, jar))
                            .build();
                    ForeignLoad before = ForeignLoad.now();
                    var results = new Runner(o).run();
                    double foreign = before == null ? Double.NaN : before.coresUntil(ForeignLoad.now());
                    for (RunResult rr : results) {
                        List<Double> scores = new ArrayList<>();
                        for (BenchmarkResult br : rr.getBenchmarkResults()) {
                            for (IterationResult ir : br.getIterationResults()) scores.add(ir.getPrimaryResult().getScore());
                        }
                        table.add(method, v, round, scores, foreign);
                    }
                }
            }
        }
        String md = OverheadTable.header(args, rounds, jar) + table.markdown()
                + String.format(java.util.Locale.ROOT, "%nTotal time %.0f s.%n", (System.currentTimeMillis() - t0) / 1000.0);
        System.out.println();
        System.out.print(md);
        if (out != null) {
            Files.writeString(out, md, StandardCharsets.UTF_8);
            System.err.println("written to " + out.toAbsolutePath());
        }
    }

    /** The variant's JVM arguments, after any -jvmArgsAppend given on the command line (for experiments: -XX flags). */
    private static String[] jvmArgs(Options parent, AgentVariant v, Path jar) {
        List<String> a = new ArrayList<>(parent.getJvmArgsAppend().orElse(List.of()));
        a.addAll(v.jvmArgs(jar));
        return a.toArray(String[]::new);
    }

    /** The @Benchmark methods of AgentOverheadBench whose names match one of filters (all if none), sorted. */
    static List<String> benchmarks(List<String> filters) {
        List<Pattern> ps = filters.stream().map(Pattern::compile).toList();
        return Arrays.stream(AgentOverheadBench.class.getMethods())
                .filter(m -> m.isAnnotationPresent(Benchmark.class))
                .map(Method::getName)
                .filter(n -> ps.isEmpty() || ps.stream().anyMatch(p -> p.matcher(n).find()))
                .sorted()
                .toList();
    }
}
