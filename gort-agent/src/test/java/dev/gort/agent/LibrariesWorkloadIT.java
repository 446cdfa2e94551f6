package dev.gort.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.util.concurrent.internal.InternalFutureFailureAccess;
import org.apache.commons.lang3.StringUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The packaged agent on a real workload: {@code workload.LibraryWorkload} runs Guava, Jackson
 * and Commons Lang in six virtual threads, once as plain Java and once with
 * {@code -javaagent:gort-agent.jar} transforming the libraries and the workload itself (so its
 * virtual threads are goroutines, and the libraries' loops preempt, with a 1 ms time slice).
 * Both must print exactly the same, and the agent's totals must show transformed classes and no
 * failure.
 */
@Timeout(300)
class LibrariesWorkloadIT {
    private static final String MAIN = "workload.LibraryWorkload";
    private static final String ROUNDS = "20";
    private static final Pattern TOTALS = Pattern.compile("gort-agent: (\\d+) classes considered, (\\d+) transformed, (\\d+) left "
            + "unchanged after an error; (\\d+) back-edge checkpoints, (\\d+) entry checkpoints, (\\d+) virtual-thread call sites");

    private record Exit(int status, String stdout, String stderr) {}

    @Test
    void theWorkloadPrintsTheSameWithAndWithoutTheAgent() throws Exception {
        Path agent = Path.of(System.getProperty("gort.agent.jar", "target/gort-agent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(agent), "the packaged agent: " + agent);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = childClassPath();

        Exit plain = run(List.of(java, "-cp", cp, MAIN, ROUNDS));
        assertEquals(0, plain.status(), "plain run failed:\n" + plain.stderr());
        assertTrue(plain.stdout().lines().count() > 60 && plain.stdout().contains("== jackson"), plain.stdout());

        Exit gort = run(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-Dgort.forcepreempt=1ms",
                "-javaagent:" + agent + "=include=com.google.**,include=com.fasterxml.**,include=org.apache.commons.**,"
                        + "include=workload.**,verbose=true",
                "-cp", cp, MAIN, ROUNDS));
        assertEquals(0, gort.status(), "run with the agent failed:\n" + gort.stderr());
        assertEquals(plain.stdout(), gort.stdout(), "the same output with the agent");

        List<String> warnings = gort.stderr().lines().filter(l -> l.startsWith("gort-agent: warning")).toList();
        assertEquals(List.of(), warnings, "no class left unchanged after an error");
        Matcher totals = TOTALS.matcher(gort.stderr());
        assertTrue(totals.find(), "the agent's totals line at exit:\n" + gort.stderr());
        long transformed = Long.parseLong(totals.group(2)), failed = Long.parseLong(totals.group(3));
        long backEdges = Long.parseLong(totals.group(4)), threadSites = Long.parseLong(totals.group(6));
        assertTrue(transformed > 0, totals.group());
        assertEquals(0, failed, totals.group());
        assertTrue(backEdges > 0, totals.group());
        assertTrue(threadSites >= 1, "the workload's newVirtualThreadPerTaskExecutor was redirected: " + totals.group());
        StringBuilder perLibrary = new StringBuilder();
        for (String prefix : List.of("com.google.", "com.fasterxml.", "org.apache.commons.", "workload.")) {
            long n = gort.stderr().lines().filter(l -> l.startsWith("gort-agent: transformed " + prefix)).count();
            assertTrue(n > 0, "classes of " + prefix + " transformed");
            perLibrary.append(' ').append(prefix).append(n);
        }
        assertTrue(gort.stderr().contains("gort-agent: transformed " + MAIN + "\n"), "the workload's main class");
        System.out.println("LibrariesWorkloadIT: " + totals.group() + "; transformed by prefix:" + perLibrary);
    }

    /** This module's test classes and the three libraries' jars: neither gort nor JUnit. */
    private static String childClassPath() {
        List<String> entries = new ArrayList<>();
        entries.add(JarClasses.jarOf(LibrariesWorkloadIT.class).toString());
        Stream.of(ImmutableList.class, InternalFutureFailureAccess.class, ObjectMapper.class, JsonFactory.class,
                        JsonProperty.class, StringUtils.class)
                .map(c -> JarClasses.jarOf(c).toString()).distinct().forEach(entries::add);
        return String.join(File.pathSeparator, entries);
    }

    private static Exit run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("workload", ".out"), err = Files.createTempFile("workload", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("did not finish in 120 s: " + command + "\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Exit(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
