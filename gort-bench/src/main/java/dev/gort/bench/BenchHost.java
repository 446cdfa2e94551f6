package dev.gort.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the benchmark harnesses (the sysmon scenarios, the echo benchmark) print about the machine
 * and the code in their headers, and how they read a child's result line.
 */
public final class BenchHost {
    private BenchHost() {}

    /** The first three fields of /proc/loadavg, or "?". */
    public static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    /** The CPU's model name from /proc/cpuinfo, or "?". */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (Exception e) {
            // not Linux
        }
        return "?";
    }

    /**
     * The commit of the repository (-Dgort.bench.root, else the working directory), and whether
     * gort-runtime or gort-bench differ from it; -Dgort.bench.commit=TEXT replaces it, for a jar
     * built elsewhere.
     */
    public static String gitDescribe() {
        String given = System.getProperty("gort.bench.commit");
        if (given != null && !given.isBlank()) return "commit " + given;
        try {
            String head = git("rev-parse", "--short", "HEAD").trim();
            if (head.isEmpty()) return "commit unknown";
            String dirty = git("status", "--porcelain", "--", "gort-runtime", "gort-bench").trim();
            return "commit " + head + (dirty.isEmpty() ? "" : " + uncommitted changes in gort-runtime/gort-bench");
        } catch (Exception e) {
            return "commit unknown";
        }
    }

    private static String git(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).directory(new File(System.getProperty("gort.bench.root", ".")))
                .redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? s : "";
    }

    /** A child's "RESULT name=value name=value ..." line as a map. */
    public static Map<String, Double> parseResult(String line) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String kv : line.substring("RESULT".length()).trim().split("\\s+")) {
            int i = kv.indexOf('=');
            if (i > 0) m.put(kv.substring(0, i), Double.parseDouble(kv.substring(i + 1)));
        }
        return m;
    }
}
