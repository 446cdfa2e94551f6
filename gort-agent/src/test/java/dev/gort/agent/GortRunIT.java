package dev.gort.agent;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * gort run end to end, on programs built here from sources that import nothing from gort: the
 * packaged agent jar (-Dgort.agent.jar, set by failsafe), child JVMs, real exit statuses.
 */
@Timeout(300)
class GortRunIT {
    /** Four call-free xorshift loops and a 1 ms ticker, all from newVirtualThreadPerTaskExecutor. */
    static final String TICKER_APP = """
            import java.util.*;
            import java.util.concurrent.*;

            public class TickerApp {
                static volatile boolean stop;

                static long spin(long x) {
                    while (!stop) { x ^= x << 13; x ^= x >>> 7; x ^= x << 17; }
                    return x;
                }

                public static void main(String[] args) throws Exception {
                    long runMs = Long.parseLong(args[0]);
                    ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
                    // A platform thread ends the program: on the JDK's scheduler nothing else may run.
                    Thread timer = new Thread(() -> {
                        try { Thread.sleep(runMs); } catch (InterruptedException e) { return; }
                        stop = true;
                        long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
                        long p99 = d.length == 0 ? -1 : d[Math.min(d.length - 1, (int) Math.ceil(d.length * 0.99) - 1)];
                        System.out.println("ticks=" + d.length + " p99us=" + p99 / 1000);
                        System.out.flush();
                        System.exit(0);
                    });
                    timer.start();
                    ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
                    for (int i = 0; i < 4; i++) {
                        long seed = i + 1;
                        ex.submit(() -> spin(seed));
                    }
                    ex.submit(() -> {
                        while (!stop) {
                            long t0 = System.nanoTime();
                            Thread.sleep(1);
                            delays.add(Math.max(0, System.nanoTime() - t0 - 1_000_000));
                        }
                        return null;
                    });
                    timer.join();
                }
            }
            """;

    static final String ECHO_APP = """
            import java.io.*;

            public class EchoApp {
                public static void main(String[] args) throws IOException {
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
                    for (String line; (line = in.readLine()) != null; ) System.out.println(line.toUpperCase());
                    System.err.println("virtual=" + Thread.currentThread().isVirtual());
                    System.exit(Integer.parseInt(args[0]));
                }
            }
            """;

    static final String PANIC_APP = """
            public class PanicApp {
                public static void main(String[] args) {
                    throw new IllegalStateException("boom " + args.length);
                }
            }
            """;

    /** Java 25: an instance main without parameters. */
    static final String INSTANCE_APP = """
            class InstanceApp {
                void main() {
                    System.out.println("instance main, virtual=" + Thread.currentThread().isVirtual());
                }
            }
            """;

    @TempDir
    static Path dir;
    static Path classes;
    static Path agentJar;

    @BeforeAll
    static void build() throws IOException {
        agentJar = Path.of(System.getProperty("gort.agent.jar", "target/gort-agent.jar"));
        assertTrue(Files.isRegularFile(agentJar), "agent jar missing: " + agentJar);
        Path src = Files.createDirectories(dir.resolve("src"));
        classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "25", "-d", classes.toString()));
        for (var e : List.of(List.of("TickerApp", TICKER_APP), List.of("EchoApp", ECHO_APP),
                List.of("PanicApp", PANIC_APP), List.of("InstanceApp", INSTANCE_APP))) {
            Path f = src.resolve(e.get(0) + ".java");
            Files.writeString(f, e.get(1));
            args.add(f.toString());
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, err, args.toArray(new String[0]));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    }

    /** A plain jar of the compiled programs with Main-Class main. */
    static Path jar(String main) throws IOException {
        Path jar = dir.resolve(main + ".jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
             var files = Files.list(classes)) {
            for (Path f : files.toList()) {
                out.putNextEntry(new JarEntry(f.getFileName().toString()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    record Run(int status, String out, String err) {}

    static Run run(ProcessBuilder pb, String stdin) throws Exception {
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Thread t1 = Thread.ofPlatform().start(() -> copy(p.getInputStream(), out));
        Thread t2 = Thread.ofPlatform().start(() -> copy(p.getErrorStream(), err));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("child did not end: " + pb.command());
        }
        t1.join();
        t2.join();
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(java.io.InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // child gone
        }
    }

    static Run gortRun(String stdin, String... args) throws Exception {
        return run(GortRun.processBuilder(args, agentJar), stdin);
    }

    static long field(String s, String name) {
        Matcher m = Pattern.compile(name + "=(-?\\d+)").matcher(s);
        long v = -1;
        while (m.find()) v = Long.parseLong(m.group(1)); // the last one
        assertNotEquals(-1, v, name + " not found in: " + s);
        return v;
    }

    @Test
    void aPlainJarsTickerStarvesUnderJavaButKeepsTickingUnderGortRun() throws Exception {
        Path jar = jar("TickerApp");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Run plain = run(new ProcessBuilder(java, "-Djdk.virtualThreadScheduler.parallelism=2",
                "-Djdk.virtualThreadScheduler.maxPoolSize=2", "-jar", jar.toString(), "4000"), "");
        assertEquals(0, plain.status, plain.err);
        long plainTicks = field(plain.out, "ticks");

        Run gort = gortRun("", "--gomaxprocs", "2", "--gortdebug", "schedtrace=1000", "-jar", jar.toString(), "4000");
        assertEquals(0, gort.status, gort.err);
        long ticks = field(gort.out, "ticks");
        long p99us = field(gort.out, "p99us");
        // Starved: a few ticks at most before the hogs took both carriers (typically 0).
        assertTrue(plainTicks < 50, "java -jar: the ticker was expected to starve, got " + plainTicks + " ticks");
        // Issue goal p99 <= 12 ms (measured in the benchmark); generous bounds here.
        assertTrue(ticks >= 100, "gort run: only " + ticks + " ticks in 4 s: " + gort.out + gort.err);
        assertTrue(p99us <= 60_000, "gort run: tick delay p99 " + p99us + " us: " + gort.out);
        // The agent's checkpoints preempted the hogs: nobody ignored preemption for 100 ms.
        assertFalse(gort.err.contains("has ignored preemption"), gort.err);
        assertTrue(field(gort.err, "preemptions") > 10, gort.err);
    }

    @Test
    void withoutTheAgentTheSameLoopsAreReportedAsRunaways() throws Exception {
        Run r = gortRun("", "--no-agent", "--gomaxprocs", "2", "-cp", classes.toString(), "TickerApp", "1500");
        assertEquals(0, r.status, r.err);
        assertTrue(r.err.contains("has ignored preemption"), r.err);
        assertTrue(r.err.contains("at TickerApp.spin(TickerApp.java"), r.err);
    }

    @Test
    void streamsAndExitStatusPassThrough() throws Exception {
        Run r = gortRun("hello\ngoroutines\n", "-cp", classes.toString(), "EchoApp", "7");
        assertEquals(7, r.status, r.err);
        assertEquals("HELLO\nGOROUTINES\n", r.out.replace("\r", ""));
        assertTrue(r.err.contains("virtual=true"), "main runs as a goroutine (a virtual thread): " + r.err);
    }

    @Test
    void anUncaughtExceptionInMainIsAPanicWithStatus2() throws Exception {
        Run r = gortRun("", "-cp", classes.toString(), "PanicApp", "x", "y");
        assertEquals(2, r.status, r.err);
        assertTrue(r.err.startsWith("panic: java.lang.IllegalStateException: boom 2"), r.err);
        assertTrue(r.err.contains("goroutine 1 [running]:"), r.err);
        assertTrue(r.err.contains("at PanicApp.main(PanicApp.java"), r.err);
    }

    @Test
    void instanceMainOfJava25() throws Exception {
        Run r = gortRun("", "-cp", classes.toString(), "InstanceApp");
        assertEquals(0, r.status, r.err);
        assertEquals("instance main, virtual=true\n", r.out.replace("\r", ""));
    }

    @Test
    void usageErrorsAreClear() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> GortRun.processBuilder(new String[]{"--gomaxprocs", "0", "X"}, agentJar));
        assertTrue(e.getMessage().contains("--gomaxprocs must be a positive integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GortRun.processBuilder(new String[]{"--frobnicate"}, agentJar));
        assertTrue(e.getMessage().contains("unknown option --frobnicate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GortRun.processBuilder(new String[]{"-jar", dir.resolve("none.jar").toString()}, agentJar));
        assertTrue(e.getMessage().contains("no such jar"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GortRun.processBuilder(new String[]{"--include", "com.acme.(x)", "X"}, agentJar));
        assertTrue(e.getMessage().contains("unexpected character"), e.getMessage());
        Run r = gortRun("", "-cp", classes.toString(), "NoSuchMain");
        assertEquals(1, r.status);
        assertTrue(r.err.contains("could not find or load main class NoSuchMain"), r.err);
    }

    @Test
    void javaOptionsReachTheJvm() throws Exception {
        Run r = gortRun("", "-J-Dx=1", "-J", "-Xmx64m", "-cp", classes.toString(), "InstanceApp");
        assertEquals(0, r.status, r.err);
        List<String> cmd = GortRun.processBuilder(new String[]{"-J-Dx=1", "-J", "-Xmx64m", "-cp", "a", "M", "p"}, agentJar).command();
        assertTrue(cmd.contains("-Dx=1") && cmd.contains("-Xmx64m"), cmd.toString());
        assertEquals(List.of("dev.gort.agent.GortMain", "M", "p"), cmd.subList(cmd.size() - 3, cmd.size()));
    }
}
