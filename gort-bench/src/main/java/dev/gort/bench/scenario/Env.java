package dev.gort.bench.scenario;

import dev.gort.GortRuntime;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scheduler under test in a child JVM: gort (a {@link GortRuntime} with GOMAXPROCS n) or
 * JDK virtual threads on the JDK's default scheduler, whose parallelism the parent fixed with
 * {@code -Djdk.virtualThreadScheduler.parallelism/maxPoolSize} (checked here). The scenario code
 * only calls {@link #go}; everything else is the same for both.
 */
abstract class Env implements AutoCloseable {
    /** Starts a goroutine / virtual thread running task. Called from the child's platform main thread. */
    abstract void go(Runnable task);

    /** gort's counters (preemptions, syscallretakes, blockedhandoffs, runawayhandoffs); empty for the JDK. */
    Map<String, Double> counters() {
        return Map.of();
    }

    /** Ends the scheduler; returns an error text if it did not end cleanly, else null. */
    abstract String shutdown();

    @Override
    public void close() {
        String e = shutdown();
        if (e != null) throw new IllegalStateException(e);
    }

    static Env of(String scheduler, int procs) {
        return switch (scheduler) {
            case "gort" -> new Gort(procs);
            case "jdk" -> new Jdk(procs);
            default -> throw new IllegalArgumentException("unknown scheduler " + scheduler);
        };
    }

    static final class Gort extends Env {
        private static final Pattern COUNTER = Pattern.compile("(\\w+)=(\\d+)");
        final GortRuntime rt;

        Gort(int procs) {
            rt = GortRuntime.builder().name("scenario").gomaxprocs(procs).build();
        }

        @Override
        void go(Runnable task) {
            rt.go(task);
        }

        @Override
        Map<String, Double> counters() {
            String line = rt.schedtrace(false);
            Map<String, Double> m = new LinkedHashMap<>();
            int i = line.indexOf("gort:");
            if (i < 0) return m;
            Matcher x = COUNTER.matcher(line.substring(i));
            while (x.find()) m.put(x.group(1), Double.parseDouble(x.group(2)));
            return m;
        }

        @Override
        String shutdown() {
            rt.shutdownNow();
            try {
                if (!rt.awaitTermination(Duration.ofSeconds(20))) {
                    return "gort runtime did not terminate within 20 s after shutdownNow: " + rt.schedtrace(false).trim();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            RuntimeException f = rt.failure();
            return f == null ? null : "gort runtime failed: " + f;
        }
    }

    static final class Jdk extends Env {
        Jdk(int procs) {
            String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
            String max = System.getProperty("jdk.virtualThreadScheduler.maxPoolSize");
            if (p == null || max == null || Integer.parseInt(p) != procs || Integer.parseInt(max) != procs) {
                throw new IllegalStateException("JDK scheduler flags: parallelism=" + p + " maxPoolSize=" + max + ", wanted " + procs);
            }
            try {
                Field f = Class.forName("java.lang.VirtualThread").getDeclaredField("DEFAULT_SCHEDULER");
                f.setAccessible(true); // --add-opens java.base/java.lang=ALL-UNNAMED
                ForkJoinPool pool = (ForkJoinPool) f.get(null);
                if (pool.getParallelism() != procs) {
                    throw new IllegalStateException("JDK default scheduler has parallelism " + pool.getParallelism() + ", wanted " + procs);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot check the JDK default scheduler's parallelism", e);
            }
        }

        @Override
        void go(Runnable task) {
            Thread.ofVirtual().start(task);
        }

        @Override
        String shutdown() {
            return null;
        }
    }
}
