package dev.gort.bench.agent;

import java.lang.reflect.Method;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gort agent did in this JVM: {@code dev.gort.agent.GortAgent.stats()}, read by
 * reflection because gort-agent's classes are on the class path only where {@code -javaagent}
 * or a {@code GortMain} launch put them (gort-bench does not bundle them).
 */
public record AgentProbe(long classesTransformed, long classesFailed, long backEdges, long entries,
                         long threadCallSites, String text) {
    private static final Pattern ENTRIES = Pattern.compile("(\\d+) entry checkpoints");

    /** The agent's totals, or null when no agent is loaded in this JVM. */
    public static AgentProbe read() {
        Class<?> agent;
        try {
            agent = Class.forName("dev.gort.agent.GortAgent", true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
        try {
            Object s = agent.getMethod("stats").invoke(null);
            if (s == null) return null;
            String text = s.toString();
            Matcher m = ENTRIES.matcher(text); // AgentStats has no getter for it
            if (!m.find()) throw new IllegalStateException("cannot read the entry-checkpoint count from \"" + text + "\"");
            return new AgentProbe(get(s, "classesTransformed"), get(s, "classesFailed"), get(s, "backEdges"),
                    Long.parseLong(m.group(1)), get(s, "threadCallSites"), text);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read dev.gort.agent.GortAgent.stats(): " + e, e);
        }
    }

    private static long get(Object stats, String getter) throws ReflectiveOperationException {
        Method m = stats.getClass().getMethod(getter);
        return (long) m.invoke(stats);
    }
}
