package dev.gort.bench.scenario;

import dev.gort.bench.agent.AgentJar;
import dev.gort.bench.agentprog.SpinTicker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario {@code agent} (issue 5): the program {@link SpinTicker} (4 call-free xorshift hogs and
 * a 1 ms ticker, all made with {@code Executors.newVirtualThreadPerTaskExecutor()}, 5 s, 2
 * processors) launched the ways a user would launch it: plain {@code java} on the JDK's default
 * scheduler; {@code GortMain} without the agent (the executor call written by hand against
 * {@code dev.gort.Goroutines}, since without the agent nothing rewrites it; the hogs have no
 * checkpoints, so only sysmon's hand-off of a runaway P helps the ticker); and {@code GortMain}
 * with {@code -javaagent:gort-agent.jar} and its default options, which is {@code gort run}.
 * The gort variants tick with {@code Thread.sleep(1)} and with {@code Gort.sleep}.
 *
 * <p>Unlike the other scenarios the child is not {@link ScenarioChild}: the program runs as its
 * own main class, under GortMain where gort is wanted; it prints the same {@code RESULT} line and
 * checks itself that it ran as asked (goroutines or not, agent or not). The agent jar comes from
 * {@link AgentJar} (system property {@code gort.agent.jar}, else the repository's
 * {@code gort-agent/target/gort-agent.jar}).
 */
final class AgentScenario {
    private AgentScenario() {}

    static final String NAME = "agent";
    private static final String LAUNCH = "launch=program";
    private static final String GORT_MAIN = "dev.gort.agent.GortMain";

    static Scenarios.Scenario scenario() {
        List<Scenarios.Variant> v = List.of(
                variant("JDK default scheduler, plain java, no agent", "jdk", "spawn=executor", "tick=thread", "agent=off"),
                variant("gort (GortMain), no agent: hogs without checkpoints; Thread.sleep ticker", "gort", "spawn=goroutines", "tick=thread", "agent=off"),
                variant("gort (GortMain), no agent: hogs without checkpoints; Gort.sleep ticker", "gort", "spawn=goroutines", "tick=gort", "agent=off"),
                variant("gort run (GortMain + agent); Thread.sleep ticker", "gort", "spawn=executor", "tick=thread", "agent=on"),
                variant("gort run (GortMain + agent); Gort.sleep ticker", "gort", "spawn=executor", "tick=gort", "agent=on"));
        return new Scenarios.Scenario("f", NAME,
                "(f) the agent at work: 4 call-free hogs from Executors.newVirtualThreadPerTaskExecutor() and a 1 ms sleep loop, 5 s, P=2",
                v, Scenarios.PREEMPT_WINDOW_MS + 60_000, false, Scenarios::tickerTable);
    }

    private static Scenarios.Variant variant(String label, String sched, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(LAUNCH);
        a.add("hogs=4");
        a.add("sched=" + sched);
        return new Scenarios.Variant(label, sched, 2, a);
    }

    /** Whether the variant is one of this scenario's (the harness then starts it with {@link #start}). */
    static boolean owns(Scenarios.Variant v) {
        return v.args().contains(LAUNCH);
    }

    /** The goal for a variant of this scenario, or null for a reference row. */
    static Scenarios.Goal goal(Scenarios.Variant v) {
        return v.args().contains("agent=on") ? new Scenarios.Goal("p99 ≤ 12 ms", 0, 12, "p99") : null;
    }

    /**
     * Starts the program: {@code java [JDK scheduler flags] -cp BENCH SpinTicker} for the JDK,
     * {@code java -Dgort.gomaxprocs=P [-javaagent:AGENT] -cp BENCH:AGENT GortMain SpinTicker} for gort.
     */
    static Process start(Scenarios.Variant v, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        String cp = System.getProperty("java.class.path");
        if (v.sched().equals("jdk")) {
            cmd.add("-Djdk.virtualThreadScheduler.parallelism=" + v.procs());
            cmd.add("-Djdk.virtualThreadScheduler.maxPoolSize=" + v.procs());
            cmd.add("-cp");
            cmd.add(cp);
        } else {
            Path agent = AgentJar.locate();
            cmd.add("-Dgort.gomaxprocs=" + v.procs());
            if (args.contains("agent=on")) cmd.add("-javaagent:" + agent);
            cmd.add("-cp");
            cmd.add(cp + File.pathSeparator + agent);
            cmd.add(GORT_MAIN);
        }
        cmd.add(SpinTicker.class.getName());
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
