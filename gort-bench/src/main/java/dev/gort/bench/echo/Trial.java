package dev.gort.bench.echo;

import dev.gort.bench.BenchHost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One measurement of {@link EchoBench}: starts a server process, waits for its {@code PORT}
 * line, runs the {@link LoadGen} process against it, collects its result line, and kills the
 * server. Every step has a time limit, so a server that hangs costs one cell, not the run: the
 * load generator reports a stall after 2 s without a round trip, and is itself killed if it
 * does not finish in time. What a stalled server was doing is written to a file named in the
 * error ({@link #stallDump}).
 */
final class Trial {
    private Trial() {}

    static final long READY_TIMEOUT_MS = 30_000;
    /** Time for the load generator's JVM start, its connections and its exit, on top of warm-up and window. */
    static final long LOADGEN_SLACK_MS = LoadGen.CONNECT_TIMEOUT_MS + 30_000;

    /** The result map of the load generator's RESULT line, or an error. */
    record Outcome(Map<String, Double> result, String error) {}

    record Settings(int procs, int clientThreads, long warmupMs, long windowMs, Path goBinary) {}

    static Outcome run(ServerKind kind, int conns, int size, Settings s, String tag) {
        Process server;
        try {
            ProcessBuilder pb = new ProcessBuilder(kind.command(s.procs, s.goBinary)).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(kind.environment(s.procs));
            server = pb.start();
        } catch (IOException e) {
            return new Outcome(null, "cannot start the " + kind.id + " server: " + e);
        }
        try {
            BlockingQueue<String> serverOut = drain(server);
            String ready = serverOut.poll(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (ready == EOF) ready = null;
            if (ready == null || !ready.startsWith(EchoServers.READY)) {
                return new Outcome(null, server.isAlive()
                        ? "the server printed no PORT line within " + READY_TIMEOUT_MS / 1000 + " s" + (ready == null ? "" : " (it printed: " + ready + ")")
                        : "the server exited with status " + server.waitFor() + " before it was ready");
            }
            int port = Integer.parseInt(ready.substring(EchoServers.READY.length()).trim());
            Outcome o = loadgen(port, conns, size, s, server.pid());
            if (o.error != null && o.error.startsWith("stalled") && server.isAlive()) {
                o = new Outcome(null, o.error + "; " + stallDump(kind, server, serverOut, tag));
            }
            if (o.error == null && !server.isAlive()) o = new Outcome(null, "the server exited with status " + server.exitValue());
            return o;
        } catch (Exception e) {
            return new Outcome(null, String.valueOf(e));
        } finally {
            kill(server);
        }
    }

    private static Outcome loadgen(int port, int conns, int size, Settings s, long serverPid) throws Exception {
        List<String> cmd = new ArrayList<>(EchoBench.javaCommand());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LoadGen.class.getName());
        cmd.add("port=" + port);
        cmd.add("conns=" + conns);
        cmd.add("size=" + size);
        cmd.add("threads=" + s.clientThreads);
        cmd.add("warmup=" + s.warmupMs);
        cmd.add("window=" + s.windowMs);
        cmd.add("serverpid=" + serverPid);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> out = drain(p);
        long timeout = s.warmupMs + s.windowMs + LOADGEN_SLACK_MS;
        String error = null;
        if (!p.waitFor(timeout, TimeUnit.MILLISECONDS)) {
            kill(p);
            error = "the load generator did not finish within " + timeout / 1000 + " s (killed)";
        }
        Map<String, Double> m = null;
        for (String line; (line = out.poll(5, TimeUnit.SECONDS)) != null && line != EOF; ) {
            if (line.startsWith("RESULT")) m = BenchHost.parseResult(line);
            else if (line.startsWith("ERROR") && error == null) error = line.substring(5).trim();
        }
        if (m == null && error == null) error = "no result from the load generator (exit status " + p.exitValue() + ")";
        return new Outcome(error == null ? m : null, error);
    }

    /** Put after a process's last line of output (compared by identity). */
    private static final String EOF = new String("EOF");

    /** A daemon thread that reads p's stdout line by line into the returned queue, then {@link #EOF}. */
    private static BlockingQueue<String> drain(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = br.readLine()) != null; ) q.add(line);
            } catch (IOException e) {
                // the process was killed
            } finally {
                q.add(EOF);
            }
        });
        return q;
    }

    /** SIGTERM, then SIGKILL after 3 s. */
    static void kill(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes what a stalled server was doing to a file and says where: for gort, its schedtrace and
     * goroutine dump (asked for with DUMP on its stdin) and {@code jcmd Thread.print -l} (its Ms and
     * sysmon, with the locks they hold); for the JDK, jcmd; Go gets SIGQUIT and prints every
     * goroutine's stack on stderr.
     */
    private static String stallDump(ServerKind kind, Process server, BlockingQueue<String> serverOut, String tag) {
        try {
            if (kind == ServerKind.GO) {
                new ProcessBuilder("kill", "-QUIT", Long.toString(server.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
                return "Go's goroutine stacks (SIGQUIT) are on stderr";
            }
            Path file = Files.createTempFile("echo-stall-" + tag.replaceAll("[^A-Za-z0-9]+", "-") + "-", ".txt");
            StringBuilder sb = new StringBuilder();
            if (kind == ServerKind.GORT) {
                server.getOutputStream().write("DUMP\n".getBytes(StandardCharsets.UTF_8));
                server.getOutputStream().flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                boolean in = false, end = false;
                for (String line; !end && (line = serverOut.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null
                        && line != EOF; ) {
                    if (line.equals("DUMP BEGIN")) in = true;
                    else if (line.equals("DUMP END")) end = true;
                    else if (in) sb.append(line).append('\n');
                }
                if (!end) sb.append("(the gort dump did not complete within 10 s)\n");
                sb.append("\n");
            }
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "Thread.print", "-l")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile())).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "jcmd Thread.print did not answer within 30 s; partial dump in " + file;
            }
            return (kind == ServerKind.GORT ? "schedtrace, goroutines and threads" : "thread dump") + " in " + file;
        } catch (IOException | InterruptedException e) {
            return "no dump: " + e;
        }
    }
}
