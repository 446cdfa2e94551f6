package dev.gort.bench.mem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link MemBench} on 1 and then 2 threads and prints one Markdown table: millions of
 * allocate+free pairs per second (all threads together), per allocator and size, with the
 * measured range. Extra arguments are JMH's (for example {@code -wi 2 -i 3 -f 1}).
 *
 * <pre>java -cp gort-bench/target/gort-bench.jar dev.gort.bench.mem.MemBenchRun [JMH options]</pre>
 */
public final class MemBenchRun {
    private MemBenchRun() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions cl = new CommandLineOptions(args);
        Map<String, double[]> rows = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            var opts = new OptionsBuilder().parent(cl).include(MemBench.class.getName() + "\\.").threads(threads).build();
            Collection<RunResult> results = new Runner(opts).run();
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                name = name.substring(name.lastIndexOf('.') + 1);
                String key = name + " " + r.getParams().getParam("size");
                var stats = r.getPrimaryResult().getStatistics();
                double[] row = rows.computeIfAbsent(key, k -> {
                    order.add(k);
                    return new double[6];
                });
                int at = threads == 1 ? 0 : 3;
                row[at] = stats.getMean();     // ops/us == M ops/s
                row[at + 1] = stats.getMin();
                row[at + 2] = stats.getMax();
            }
        }
        System.out.println();
        System.out.println("| allocator | size | 1 thread (M/s, min–max) | 2 threads (M/s total, min–max) |");
        System.out.println("| --- | ---: | ---: | ---: |");
        order.sort((a, b) -> {
            int sa = Integer.parseInt(a.substring(a.indexOf(' ') + 1)), sb = Integer.parseInt(b.substring(b.indexOf(' ') + 1));
            return sa != sb ? Integer.compare(sa, sb) : Integer.compare(rank(a), rank(b));
        });
        for (String k : order) {
            double[] r = rows.get(k);
            String[] p = k.split(" ");
            System.out.printf("| %s | %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) |%n", p[0], size(p[1]), r[0], r[1], r[2], r[3], r[4], r[5]);
        }
    }

    private static int rank(String k) {
        String n = k.substring(0, k.indexOf(' '));
        return switch (n) {
            case "gort" -> 0;
            case "netty" -> 1;
            case "allocateDirect" -> 2;
            default -> 3;
        };
    }

    private static String size(String bytes) {
        return (Integer.parseInt(bytes) >> 10) + " KiB";
    }
}
