package dev.gort.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * agentmain: the agent attached to a running JVM retransforms the matching classes that are
 * already loaded, and their loops then reach checkpoints. A child JVM attaches the packaged agent
 * to itself (-Djdk.attach.allowAttachSelf=true).
 */
@Timeout(120)
class AttachIT {
    static final String APP = """
            import com.sun.tools.attach.VirtualMachine;
            import dev.gort.*;
            import java.time.Duration;
            import java.util.concurrent.atomic.AtomicBoolean;

            public class AttachApp {
                static final AtomicBoolean stop = new AtomicBoolean();

                static long spin() {
                    long x = 1;
                    while (!stop.get()) { x ^= x << 13; x ^= x >>> 7; x ^= x << 17; }
                    return x;
                }

                public static void main(String[] args) throws Exception {
                    stop.set(true);
                    spin();                                   // loaded, linked, run once: no checkpoint yet
                    stop.set(false);
                    VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
                    vm.loadAgent(args[0], "include=AttachApp*,verbose=true");
                    vm.detach();
                    Object stats = Class.forName("dev.gort.agent.GortAgent").getMethod("stats").invoke(null);
                    System.out.println("stats: " + stats);
                    // One P, no hand-offs: main gets the P back only if spin yields at a checkpoint.
                    try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).maxHandoffThreads(0)
                            .blockedCarrier(Duration.ofSeconds(60)).build()) {
                        rt.run(() -> {
                            Gort.go(AttachApp::spin);
                            Gort.sleep(Duration.ofMillis(300));   // runs again only after a preemption
                            stop.set(true);
                            return null;
                        });
                        System.out.println("preempted=" + rt.preemptCount());
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void attachingRetransformsLoadedClasses() throws Exception {
        Path agentJar = Path.of(System.getProperty("gort.agent.jar", "target/gort-agent.jar"));
        Path src = Files.writeString(dir.resolve("AttachApp.java"), APP);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, err, "--release", "25",
                "-cp", agentJar.toString(), "-d", dir.toString(), src.toString());
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(javaBin, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-Djdk.attach.allowAttachSelf=true",
                "-XX:+EnableDynamicAgentLoading", "-cp", dir + java.io.File.pathSeparator + agentJar,
                "AttachApp", agentJar.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("gort-agent: transformed AttachApp"), out);
        assertTrue(out.matches("(?s).*stats: gort-agent: \\d+ classes considered, [1-9]\\d* transformed, 0 left unchanged.*"), out);
        long preempted = Long.parseLong(out.replaceAll("(?s).*preempted=(\\d+).*", "$1"));
        assertTrue(preempted >= 1, "the retransformed loop was preempted at a checkpoint: " + out);
    }
}
