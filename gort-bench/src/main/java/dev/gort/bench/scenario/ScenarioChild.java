package dev.gort.bench.scenario;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement in a fresh JVM, started by {@link Scenarios}: arguments {@code key=value}
 * ({@code scenario}, {@code sched}, {@code variant}, {@code window} in ms, and per scenario
 * {@code order} or {@code windowstart}). Prints one line {@code RESULT key=value ...} on
 * stdout, or {@code ERROR text} and exits with status 1.
 */
public final class ScenarioChild {
    private ScenarioChild() {}

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int i = s.indexOf('=');
            if (i <= 0) usage("bad argument " + s);
            a.put(s.substring(0, i), s.substring(i + 1));
        }
        try {
            String sched = a.getOrDefault("sched", "gort");
            String variant = a.getOrDefault("variant", "");
            long window = Long.parseLong(a.getOrDefault("window", "0"));
            Map<String, Double> r = switch (a.getOrDefault("scenario", "")) {
                case "preempt" -> Preemption.run(sched, variant.equals("checkpoint"), window);
                case "fifo" -> FifoBlocking.run(sched, variant.equals("declared"), window);
                case "idle" -> IdleCost.run(sched, Long.parseLong(a.get("windowstart")), window, a.getOrDefault("diag", "0").equals("1"));
                case "pingpong" -> PingPongHog.run(sched, variant.equals("checkpoint"), a.getOrDefault("order", "heavy").equals("heavy"), window);
                default -> {
                    usage("unknown scenario " + a.get("scenario"));
                    yield null;
                }
            };
            StringBuilder sb = new StringBuilder("RESULT");
            for (Map.Entry<String, Double> e : r.entrySet()) {
                sb.append(' ').append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.6f", e.getValue()));
            }
            System.out.println(sb);
            System.out.flush();
            System.exit(0); // JDK runs may leave virtual threads behind; gort's are shut down
        } catch (Throwable e) {
            System.out.println("ERROR " + String.valueOf(e).replace('\n', ' '));
            e.printStackTrace();
            System.out.flush();
            System.exit(1);
        }
    }

    private static void usage(String why) {
        System.out.println("ERROR " + why);
        System.exit(2);
    }
}
