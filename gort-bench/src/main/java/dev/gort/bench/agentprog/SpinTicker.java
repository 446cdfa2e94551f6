package dev.gort.bench.agentprog;

import dev.gort.Goroutines;
import dev.gort.Gort;
import dev.gort.bench.agent.AgentProbe;
import dev.gort.bench.scenario.Ticker;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The program of the agent scenario (issue 5), written as a Java program for JDK virtual threads
 * would be: {@code hogs} CPU hogs ({@link Spin}, call-free loops) and a 1 ms ticker
 * ({@link Ticker}), all started with {@code Executors.newVirtualThreadPerTaskExecutor()}. The
 * scenario harness runs it three ways: with plain {@code java} (JDK default scheduler); with
 * {@code dev.gort.agent.GortMain} and no agent (so the executor call is made on
 * {@code dev.gort.Goroutines} by hand, {@code spawn=goroutines}, which is what the agent would
 * have rewritten it to); and with GortMain and {@code -javaagent:gort-agent.jar} (default agent
 * options: the executor call is rewritten, and Spin's loop gets a checkpoint).
 *
 * <p>Arguments {@code key=value}: {@code window} (ms, 5000), {@code hogs} (4), {@code tick}
 * ({@code thread}: Thread.sleep(1); {@code gort}: Gort.sleep), {@code spawn} ({@code executor}
 * or {@code goroutines}), and what the run must be, checked at the end: {@code sched}
 * ({@code gort}: hogs and ticker are goroutines; {@code jdk}: none is), {@code agent}
 * ({@code on}: the agent is loaded and transformed back-edges and executor calls; {@code off}:
 * not loaded).
 *
 * <p>The hogs never yield, so on the JDK's scheduler nothing else runs; the program therefore
 * ends from a platform thread: after the window it sets the stop flags, waits (bounded) for the
 * threads to notice, prints {@code RESULT key=value ...} (or {@code ERROR text}) on stdout and
 * calls {@code System.exit}.
 */
public final class SpinTicker {
    private SpinTicker() {}

    private static final Pattern COUNTER = Pattern.compile("(preemptions|runawayhandoffs)=(\\d+)");

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int i = s.indexOf('=');
            if (i <= 0) fail("bad argument " + s + " (expected key=value)");
            a.put(s.substring(0, i), s.substring(i + 1));
        }
        long window = Long.parseLong(a.getOrDefault("window", "5000"));
        int hogs = Integer.parseInt(a.getOrDefault("hogs", "4"));
        boolean gortSleep = a.getOrDefault("tick", "thread").equals("gort");
        boolean byHand = a.getOrDefault("spawn", "executor").equals("goroutines");
        boolean expectGort = a.getOrDefault("sched", "gort").equals("gort");
        boolean expectAgent = a.getOrDefault("agent", "off").equals("on");

        Ticker ticker = new Ticker(gortSleep);
        AtomicInteger hogGoroutines = new AtomicInteger();
        CountDownLatch hogsDone = new CountDownLatch(hogs);
        ExecutorService ex = byHand ? Goroutines.newVirtualThreadPerTaskExecutor() : Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < hogs; i++) {
            long seed = 0x9E3779B97F4A7C15L * (i + 1);
            ex.execute(() -> {
                try {
                    if (Gort.goroutineId() != 0) hogGoroutines.incrementAndGet();
                    new Spin(seed).run();
                } finally {
                    hogsDone.countDown();
                }
            });
        }
        ticker.spawned = System.nanoTime();
        ex.execute(ticker);
        // Not a daemon (a thread started by a goroutine would inherit daemon status): when main
        // returns, this thread keeps the JVM alive and ends the program.
        Thread.ofPlatform().name("spin-ticker-timer").daemon(false)
                .start(() -> finish(window, hogs, ticker, hogsDone, hogGoroutines, expectGort, expectAgent));
    }

    /** On a platform thread: waits out the window, stops everything, reports, exits. */
    private static void finish(long window, int hogs, Ticker ticker, CountDownLatch hogsDone, AtomicInteger hogGoroutines,
                               boolean expectGort, boolean expectAgent) {
        try {
            Thread.sleep(window);
            ticker.stop = true;
            Spin.stop = true;
            boolean ended = hogsDone.await(10, TimeUnit.SECONDS) & ticker.done.await(10, TimeUnit.SECONDS);
            if (!ended) fail("hogs or ticker did not end within 10 s of the stop flag");
            Map<String, Double> out = new LinkedHashMap<>();
            ticker.report(out);
            out.put("hoggoroutines", (double) hogGoroutines.get());
            if (expectGort) {
                Matcher m = COUNTER.matcher(Gort.defaultRuntime().schedtrace(false));
                while (m.find()) out.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            AgentProbe probe = AgentProbe.read();
            out.put("agentbackedges", probe == null ? 0.0 : probe.backEdges());
            out.put("agentcallsites", probe == null ? 0.0 : probe.threadCallSites());
            check(out, hogs, expectGort, expectAgent, probe);
            StringBuilder sb = new StringBuilder("RESULT");
            out.forEach((k, v) -> sb.append(' ').append(k).append('=').append(String.format(Locale.ROOT, "%.6f", v)));
            System.out.println(sb);
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            fail(String.valueOf(t));
        }
    }

    /** Fails unless the run was what the harness asked for (so a wrong launch cannot pass as a result). */
    private static void check(Map<String, Double> out, int hogs, boolean expectGort, boolean expectAgent, AgentProbe probe) {
        int g = (int) (double) out.get("hoggoroutines");
        boolean tickerG = out.get("tickergoroutine") == 1.0;
        boolean tickerRan = !Double.isNaN(out.get("firstrun"));
        if (expectGort && (g != hogs || !tickerG)) fail("expected goroutines, but " + g + " of " + hogs + " hogs and "
                + (tickerG ? "the" : "not the") + " ticker ran as goroutines");
        if (!expectGort && (g != 0 || (tickerRan && tickerG))) fail("expected JDK virtual threads, but some ran as goroutines");
        if (expectAgent && (probe == null || probe.backEdges() == 0 || probe.threadCallSites() == 0)) {
            fail("expected the gort agent to have transformed back-edges and executor calls: " + (probe == null ? "not loaded" : probe.text()));
        }
        if (!expectAgent && probe != null) fail("expected no agent, but it is loaded: " + probe.text());
    }

    private static void fail(String why) {
        System.out.println("ERROR " + why.replace('\n', ' '));
        System.out.flush();
        System.exit(1);
    }
}
