package dev.gort.bench.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVMs {@link AgentOverhead} compares: without the agent, with it (checkpoints at loop
 * back-edges, the default), and with {@code entries=true} (also at every method entry). Each
 * fork learns its variant from {@value #PROPERTY} and {@link #verify checks} that the agent is
 * there, or not, and did its work, so a misconfigured run fails instead of reporting a 0 %
 * overhead.
 */
enum AgentVariant {
    PLAIN("no agent", null),
    AGENT("agent", "include=" + AgentVariant.WORKLOAD + ",exclude=org.openjdk.jmh.**,exclude=dev.gort.bench.**.jmh_generated.**"),
    ENTRIES("agent, entries=true", AGENT.options + ",entries=true");

    static final String PROPERTY = "gort.bench.overhead.variant";
    /**
     * The only classes the agent may touch: {@link dev.gort.bench.overhead.Kernels}. The
     * excludes (JMH and its generated harness classes) are already outside this include; they
     * are there so that widening the include cannot pull JMH's measurement loop in.
     */
    static final String WORKLOAD = "dev.gort.bench.overhead.**";
    /** Kernels' loops: sumArray, scalarLoop, xorshift, matmul (three), hashMapLoop. */
    static final long KERNEL_BACK_EDGES = 7;

    final String label;
    /** The -javaagent option string, or null for no agent. */
    final String options;

    AgentVariant(String label, String options) {
        this.label = label;
        this.options = options;
    }

    /** The variant this fork was started as, or null when it was not started by AgentOverhead. */
    static AgentVariant current() {
        String v = System.getProperty(PROPERTY);
        return v == null ? null : valueOf(v);
    }

    /** JVM arguments for a fork of this variant. */
    List<String> jvmArgs(Path agentJar) {
        List<String> a = new ArrayList<>(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-D" + PROPERTY + "=" + name()));
        if (options != null) a.add("-javaagent:" + agentJar + "=" + options);
        return a;
    }

    /** Throws if probe (what the agent did; null: no agent) does not fit this variant. Call after Kernels is loaded. */
    void verify(AgentProbe probe) {
        String problem;
        if (options == null) {
            problem = probe == null ? null : "expected no agent, but it is loaded: " + probe.text();
        } else if (probe == null) {
            problem = "expected the gort agent (-javaagent), but it is not loaded";
        } else if (probe.classesFailed() > 0 || probe.classesTransformed() < 1 || probe.backEdges() < KERNEL_BACK_EDGES) {
            problem = "the agent did not transform the kernels as expected (" + KERNEL_BACK_EDGES + " back-edges): " + probe.text();
        } else if ((this == ENTRIES) != (probe.entries() > 0)) {
            problem = "entry checkpoints " + (this == ENTRIES ? "missing" : "present") + ": " + probe.text();
        } else {
            problem = null;
        }
        if (problem != null) throw new IllegalStateException("variant " + name() + ": " + problem);
    }
}
