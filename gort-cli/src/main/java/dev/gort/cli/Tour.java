package dev.gort.cli;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;

import dev.gort.DeadlockException;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code gort tour}: short scenarios that each show one part of the scheduler at work, with the
 * scheduler's own counters, and a summary table at the end.
 */
final class Tour {
    private final PrintStream out;
    private final List<String[]> summary = new ArrayList<>();
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();

    interface Scenario {
        void run() throws Exception;
    }

    Tour(PrintStream out) {
        this.out = out;
        scenarios.put("spawn", this::spawn);
        scenarios.put("parallel", this::parallel);
        scenarios.put("steal", this::steal);
        scenarios.put("gosched", this::gosched);
        scenarios.put("blocking", this::blocking);
        scenarios.put("gomaxprocs", this::gomaxprocs);
        scenarios.put("sieve", this::sieve);
        scenarios.put("preempt", () -> hogs(true));
        scenarios.put("runaway", () -> hogs(false));
        scenarios.put("agent", this::agent);
        scenarios.put("netpoll", this::netpoll);
        scenarios.put("memory", this::memory);
        scenarios.put("syscall", () -> fifo(true));
        scenarios.put("blocked", () -> fifo(false));
        scenarios.put("deadlock", this::deadlock);
    }

    int run(String[] names) throws Exception {
        if (names.length == 1 && names[0].equals("--list")) {
            scenarios.keySet().forEach(out::println);
            return 0;
        }
        List<String> chosen = names.length == 0 ? new ArrayList<>(scenarios.keySet()) : Arrays.asList(names);
        for (String n : chosen) {
            if (!scenarios.containsKey(n)) {
                out.println("gort tour: no scenario \"" + n + "\"; try: " + String.join(", ", scenarios.keySet()));
                return 2;
            }
        }
        out.println("gort tour: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + Runtime.version());
        for (String n : chosen) scenarios.get(n).run();
        printSummary();
        return 0;
    }

    private void header(String title, String what) {
        out.println();
        out.println("== " + title + " ==");
        out.println(what);
    }

    private void sched(GortRuntime rt, String when) {
        out.printf("  SCHED %-10s %s%n", when + ":", rt.schedSummary());
    }

    private void result(String scenario, String shows, String measured) {
        out.println("  -> " + measured);
        summary.add(new String[]{scenario, shows, measured});
    }

    private void printSummary() {
        out.println();
        out.println("== summary ==");
        int w0 = "scenario".length(), w1 = "what it shows".length();
        for (String[] r : summary) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
        }
        String fmt = "%-" + w0 + "s | %-" + w1 + "s | %s%n";
        out.printf(fmt, "scenario", "what it shows", "measured");
        out.println("-".repeat(w0) + "-+-" + "-".repeat(w1) + "-+-" + "-".repeat(30));
        for (String[] r : summary) out.printf(fmt, r[0], r[1], r[2]);
    }

    // ---------------------------------------------------------------------------------------

    private void spawn() throws Exception {
        header("spawn: goroutines are cheap",
                "1,000,000 goroutines started from a goroutine and joined with a WaitGroup, then the same\n"
                        + "with JDK virtual threads on the JDK's default scheduler.");
        int n = 1_000_000;
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            long gortNs = rt.run(() -> spawnJoin(n, true)); // warm-up round
            gortNs = rt.run(() -> spawnJoin(n, true));
            sched(rt, "after");
            long jdkNs = spawnJoin(n, false);
            jdkNs = spawnJoin(n, false);
            out.printf("  gort: %d ns per goroutine, on %d threads (Ms)%n", gortNs / n, rt.threads().size());
            out.printf("  JDK : %d ns per virtual thread%n", jdkNs / n);
            result("spawn", "1M goroutines, spawn + join", String.format("gort %d ns, JDK %d ns each", gortNs / n, jdkNs / n));
        }
    }

    private static long spawnJoin(int n, boolean gort) throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        wg.add(n);
        AtomicLong sum = new AtomicLong();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int k = i;
            Runnable task = () -> {
                sum.addAndGet(k);
                wg.done();
            };
            if (gort) Gort.go(task); else Thread.startVirtualThread(task);
        }
        wg.await();
        long t = System.nanoTime() - t0;
        if (sum.get() != (long) n * (n - 1) / 2) throw new AssertionError("lost goroutines");
        return t;
    }

    private void parallel() throws Exception {
        header("parallel: GOMAXPROCS goroutines run at the same time",
                "Two goroutines each burn the same CPU work; with GOMAXPROCS=1 they share one P, with 2\n"
                        + "they run on two Ms at once (wall time halves on 2 cores).");
        long[] wall = new long[3];
        for (int procs = 1; procs <= 2; procs++) {
            try (GortRuntime rt = GortRuntime.builder().gomaxprocs(procs).build()) {
                rt.run(() -> burnPair(40_000_000)); // warm-up
                long t0 = System.nanoTime();
                rt.run(() -> burnPair(200_000_000));
                wall[procs] = System.nanoTime() - t0;
                out.printf("  GOMAXPROCS=%d: %d ms%n", procs, wall[procs] / 1_000_000);
            }
        }
        result("parallel", "2 CPU-bound goroutines, P=1 vs P=2",
                String.format("%d ms vs %d ms (x%.2f)", wall[1] / 1_000_000, wall[2] / 1_000_000, (double) wall[1] / wall[2]));
    }

    private static Object burnPair(long iterations) throws InterruptedException {
        WaitGroup wg = new WaitGroup();
        wg.add(2);
        for (int g = 0; g < 2; g++) {
            Gort.go(() -> {
                long x = 88172645463325252L;
                for (long i = 0; i < iterations; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    if ((i & 0xffff) == 0) Gort.checkpoint();
                }
                if (x == 0) System.out.print("");
                wg.done();
            });
        }
        wg.await();
        return null;
    }

    private void steal() throws Exception {
        header("steal: idle processors steal half of a busy one's queue",
                "One goroutine starts 400 CPU-bound goroutines; they all land on its own P's run queue.\n"
                        + "The other P finds it empty-handed, steals half, and both Ps work.");
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                wg.add(400);
                for (int i = 0; i < 400; i++) {
                    Gort.go(() -> {
                        long h = 0;
                        for (int k = 0; k < 300_000; k++) h = h * 31 + k;
                        if (h == 42) System.out.print("");
                        wg.done();
                    });
                }
                wg.await();
                return null;
            });
            long[][] c = rt.perProcessorCounters();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                out.printf("  P%d: schedtick=%d executed=%d stolen=%d%n", i, c[i][0], c[i][1], c[i][2]);
                sb.append(i == 0 ? "" : ", ").append("P").append(i).append(" ran ").append(c[i][1])
                        .append(" (stole ").append(c[i][2]).append(")");
            }
            result("steal", "work stealing between Ps", sb.toString());
        }
    }

    private void gosched() throws Exception {
        header("gosched: yielding goes to the back of the global queue",
                "At GOMAXPROCS=1 two goroutines print a letter and call Gort.gosched(); each yield puts the\n"
                        + "caller behind the other (Go's goschedImpl), so the letters alternate.");
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build()) {
            String s = rt.run(() -> {
                StringBuffer sb = new StringBuffer();
                WaitGroup wg = new WaitGroup();
                wg.add(2);
                for (String name : new String[]{"a", "b"}) {
                    Gort.go(() -> {
                        for (int i = 0; i < 8; i++) {
                            sb.append(name);
                            Gort.gosched();
                        }
                        wg.done();
                    });
                }
                wg.await();
                return sb.toString();
            });
            out.println("  order: " + s);
            result("gosched", "Gort.gosched() at GOMAXPROCS=1", "order " + s + ", " + rt.goschedCount() + " yields");
        }
    }

    private void blocking() throws Exception {
        header("blocking: goroutines blocked in JDK calls give their thread back",
                "10,000 goroutines call Thread.sleep(100 ms) at GOMAXPROCS=2. Each unmounts from its M while\n"
                        + "it sleeps, so a handful of threads carry them all and the whole batch takes ~100 ms.");
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int n = 10_000;
            long[] peak = new long[1];
            long ms = rt.run(() -> {
                CountDownLatch asleep = new CountDownLatch(n);
                WaitGroup wg = new WaitGroup();
                wg.add(n);
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Gort.go(() -> {
                        asleep.countDown();
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            throw new RuntimeException(e);
                        }
                        wg.done();
                    });
                }
                asleep.await();
                peak[0] = Gort.numGoroutine();
                wg.await();
                return (System.nanoTime() - t0) / 1_000_000;
            });
            sched(rt, "after");
            out.printf("  %d goroutines asleep at once, %d threads, batch took %d ms%n", peak[0], rt.threads().size(), ms);
            result("blocking", "10k goroutines in Thread.sleep", String.format("%d ms on %d threads", ms, rt.threads().size()));
        }
    }

    private void gomaxprocs() throws Exception {
        header("gomaxprocs: changing the number of processors at run time",
                "Workers run while GOMAXPROCS goes 2 -> 4 -> 1 -> 3. Each change stops the world (every P\n"
                        + "parks at a checkpoint), resizes allp, moves the Gs of removed Ps to the global queue,\n"
                        + "and starts the world again.");
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong work = new AtomicLong();
            List<String> changes = new ArrayList<>();
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                wg.add(8);
                for (int i = 0; i < 8; i++) {
                    Gort.go(() -> {
                        for (long k = 0; !stop.get(); k++) {
                            work.incrementAndGet();
                            if ((k & 1023) == 0) Gort.gosched();
                        }
                        wg.done();
                    });
                }
                for (int n : new int[]{4, 1, 3}) {
                    Thread.sleep(50);
                    long t0 = System.nanoTime();
                    int prev = Gort.gomaxprocs(n);
                    long us = (System.nanoTime() - t0) / 1000;
                    String line = prev + "->" + n + " in " + us + " us";
                    changes.add(line);
                    out.printf("  GOMAXPROCS %s; SCHED %s%n", line, rt.schedSummary());
                }
                Thread.sleep(50);
                stop.set(true);
                wg.await();
                return null;
            });
            result("gomaxprocs", "resize while 8 goroutines work", String.join(", ", changes));
        }
    }

    // ---- sysmon ------------------------------------------------------------------------------

    /** A goroutine that sleeps 1 ms in a loop for millis; returns its delays (us), sorted. */
    private static List<Long> ticker(long millis) throws InterruptedException {
        List<Long> d = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            Thread.sleep(1);
            d.add((System.nanoTime() - t0 - 1_000_000) / 1000);
        }
        Collections.sort(d);
        return d;
    }

    private static String pct(List<Long> d) {
        if (d.isEmpty()) return "no ticks at all";
        return String.format("%d ticks, delay p50 %.2f ms, p99 %.2f ms, max %.2f ms", d.size(),
                d.get(d.size() / 2) / 1000.0, d.get(Math.min(d.size() - 1, d.size() * 99 / 100)) / 1000.0,
                d.get(d.size() - 1) / 1000.0);
    }

    /**
     * netpoll: an echo server on dev.gort.net, its clients on a platform thread, while every P runs
     * CPU hogs that yield only when sysmon preempts them; schedtrace shows sysmon's polls.
     */
    private void netpoll() throws Exception {
        header("netpoll: an echo server while every P runs CPU hogs",
                "An echo server (dev.gort.net, a goroutine per connection) and two CPU-bound goroutines at\n"
                        + "GOMAXPROCS=2 that yield only when sysmon preempts them, so no M goes back to findrunnable\n"
                        + "and none blocks in the poller. Clients keep getting answers because sysmon polls the network\n"
                        + "when nobody has for 10 ms and injects the goroutines it finds (sysmonpolls=, sysmonpollready=).");
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).schedtrace(500, false).traceOutput(out).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            dev.gort.net.TcpListener l = rt.run(() -> dev.gort.net.TcpListener.listen("127.0.0.1", 0));
            rt.go(() -> {
                try {
                    for (;;) {
                        dev.gort.net.TcpConn c = l.accept();
                        Gort.go(() -> {
                            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(256);
                            try (c) {
                                while (true) {
                                    buf.clear();
                                    if (c.read(buf) < 0) break;
                                    buf.flip();
                                    c.write(buf);
                                }
                            } catch (java.io.IOException e) {
                                // client gone
                            }
                        });
                    }
                } catch (java.io.IOException e) {
                    // listener closed
                }
            });
            for (int i = 0; i < 2; i++) {
                rt.go(() -> {
                    long x = 88172645463325252L;
                    while (!stop.get()) {
                        for (int k = 0; k < 1000; k++) {
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                        }
                        Gort.checkpoint();
                    }
                    if (x == 7) out.print("");
                });
            }
            List<Long> rtt = new ArrayList<>();
            long end = System.nanoTime() + 1_500_000_000L;
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), l.port())) {
                s.setTcpNoDelay(true);
                byte[] msg = new byte[64];
                while (System.nanoTime() < end) {
                    Thread.sleep(2);
                    long t0 = System.nanoTime();
                    s.getOutputStream().write(msg);
                    s.getInputStream().readNBytes(msg.length);
                    rtt.add((System.nanoTime() - t0) / 1000);
                }
            } finally {
                stop.set(true);
                l.close();
            }
            Collections.sort(rtt);
            String trace = rt.schedtrace(false);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("sysmonpolls=(\\d+) sysmonpollready=(\\d+)").matcher(trace);
            String polls = m.find() ? "sysmon polled " + m.group(1) + " times and woke " + m.group(2) + " goroutines" : "";
            String rt99 = rtt.isEmpty() ? "no round trips" : String.format("%d round trips, p50 %.1f ms, p99 %.1f ms",
                    rtt.size(), rtt.get(rtt.size() / 2) / 1000.0, rtt.get(Math.min(rtt.size() - 1, rtt.size() * 99 / 100)) / 1000.0);
            out.println("  " + rt99 + "; " + polls);
            result("netpoll", "echo server beside 2 hogs at P=2", rt99);
        }
    }

    /** memory: the span heap and sysmon's scavenger (and forcegc). */
    private void memory() throws Exception {
        header("memory: sysmon gives idle span memory back to the OS",
                "Four goroutines allocate and write " + MemoryTour.TOTAL_MIB + " MiB of 64 KiB buffers from gort's span heap\n"
                        + "(dev.gort.mem: off-heap pages, Go's size classes, a cache per P), then free them. The memory\n"
                        + "stays with the heap (HeapIdle) until it has been idle for scavengelimit (Go <=1.12: 5 minutes;\n"
                        + "1 s here); then sysmon's scavenger madvises it away: RSS falls, HeapReleased rises.");
        result("memory", "scavenger returns freed spans", MemoryTour.run(out));
    }

    private GortRuntime traced(int procs) {
        return GortRuntime.builder().gomaxprocs(procs).schedtrace(1000, false).traceOutput(out).build();
    }

    private void hogs(boolean check) throws Exception {
        if (check) {
            header("preempt: sysmon preempts goroutines that run for more than 10 ms",
                    "GOMAXPROCS=2, four CPU-bound goroutines that call Gort.checkpoint() in their loop, and a\n"
                            + "goroutine that sleeps 1 ms in a loop. sysmon asks each hog to yield after 10 ms\n"
                            + "(preemptone); the checkpoint yields it to the global queue (goschedImpl), so the ticker gets\n"
                            + "the CPU. On JDK virtual threads the ticker would never run again.");
        } else {
            header("runaway: loops that never check lose their processor",
                    "The same, but the hogs' loops have no checkpoint and no call at all. sysmon asks them to\n"
                            + "yield, they ignore it, and after another 10 ms sysmon hands their P to another thread\n"
                            + "(runawayhandoffs); the hogs run on without a P, the rest of the runtime keeps going.");
        }
        try (GortRuntime rt = traced(2)) {
            List<Long> d = rt.run(() -> {
                AtomicBoolean stop = new AtomicBoolean();
                WaitGroup wg = new WaitGroup();
                wg.add(4);
                for (int i = 0; i < 4; i++) {
                    Gort.go(() -> {
                        long x = 88172645463325252L;
                        if (check) {
                            while (!stop.get()) {
                                x ^= x << 13;
                                x ^= x >>> 7;
                                x ^= x << 17;
                                Gort.checkpoint();
                            }
                        } else {
                            while (!stop.get()) {
                                x ^= x << 13;
                                x ^= x >>> 7;
                                x ^= x << 17;
                            }
                        }
                        if (x == 0) System.out.print("");
                        wg.done();
                    });
                }
                List<Long> r = ticker(3000);
                stop.set(true);
                wg.await();
                return r;
            });
            sched(rt, "end");
            result(check ? "preempt" : "runaway", check ? "4 checking hogs + 1 ms ticker, P=2" : "4 non-checking hogs + 1 ms ticker, P=2", pct(d));
        }
    }

    /**
     * The gort agent: the same program (AgentHogs, which has never heard of gort) on the JDK's
     * scheduler, under gort run without the agent, and under gort run with it. Child JVMs.
     */
    private void agent() throws Exception {
        header("agent: preemption for code that never heard of gort (gort run)",
                "A plain Java program: four call-free CPU loops and a 1 ms ticker on\n"
                        + "Executors.newVirtualThreadPerTaskExecutor(), 2 s, 2 processors. On the JDK's own scheduler the\n"
                        + "ticker starves. Under gort run without the agent, sysmon cannot stop the loops: it reports\n"
                        + "them as runaways and hands their Ps to new threads. With the agent (the default), each loop\n"
                        + "has a checkpoint at its back-edge and yields at sysmon's 10 ms request, on 2 threads.");
        java.nio.file.Path self = java.nio.file.Path.of(AgentHogs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        java.nio.file.Path agentJar = Main.agentJar();
        if (!java.nio.file.Files.isRegularFile(agentJar)) {
            out.println("  (the agent jar is missing: " + agentJar + "; scenario skipped)");
            return;
        }
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String ms = "2000";
        String[] jdk = childRun(new ProcessBuilder(javaBin, "-Djdk.virtualThreadScheduler.parallelism=2",
                "-Djdk.virtualThreadScheduler.maxPoolSize=2", "-cp", self.toString(), AgentHogs.class.getName(), ms));
        String[] bare = childRun(dev.gort.agent.GortRun.processBuilder(new String[]{"--no-agent", "--gomaxprocs", "2",
                "--gortdebug", "schedtrace=1900", "-cp", self.toString(), AgentHogs.class.getName(), ms}, agentJar));
        String[] with = childRun(dev.gort.agent.GortRun.processBuilder(new String[]{"--gomaxprocs", "2", "--agent-verbose",
                "--include", AgentHogs.class.getName() + "*", "--gortdebug", "schedtrace=1900",
                "-cp", self.toString(), AgentHogs.class.getName(), ms}, agentJar));
        out.println("  JDK scheduler        " + jdk[0]);
        out.println("  gort run --no-agent  " + bare[0] + "  runaway reports=" + count(bare[1], "has ignored preemption")
                + " " + grab(bare[1], "runawayhandoffs=\\d+") + " " + grab(bare[1], " threads=\\d+").trim());
        out.println("  gort run (agent)     " + with[0] + "  runaway reports=" + count(with[1], "has ignored preemption")
                + " " + grab(with[1], "runawayhandoffs=\\d+") + " " + grab(with[1], " threads=\\d+").trim());
        out.println("  agent: " + grab(with[1], "\\d+ classes considered, \\d+ transformed") + "; "
                + grab(with[1], "\\d+ back-edge checkpoints") + ", " + grab(with[1], "\\d+ virtual-thread call sites"));
        result("agent", "plain program, 4 call-free hogs + 1 ms ticker, P=2",
                "JDK: " + jdk[0].replaceAll(" p50us.*", "") + "; gort run: " + with[0].replace("ticks=", "ticks ")
                        + ", " + count(with[1], "has ignored preemption") + " runaways (without agent: "
                        + count(bare[1], "has ignored preemption") + ")");
    }

    /** Runs a child JVM to the end; returns {its stdout's first line, its stderr}. */
    private static String[] childRun(ProcessBuilder pb) throws Exception {
        java.io.File err = java.io.File.createTempFile("gort-tour", ".err");
        try {
            pb.redirectError(err);
            Process p = pb.start();
            String first;
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                first = r.readLine();
                while (r.readLine() != null) { /* drain */ }
            }
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new String[]{"(did not end)", ""};
            }
            return new String[]{first == null ? "(no output, exit " + p.exitValue() + ")" : first,
                    java.nio.file.Files.readString(err.toPath())};
        } finally {
            err.delete();
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static String grab(String s, String regex) {
        var m = java.util.regex.Pattern.compile(regex).matcher(s);
        String last = "";
        while (m.find()) last = m.group();
        return last;
    }

    private void fifo(boolean declared) throws Exception {
        if (declared) {
            header("syscall: a goroutine in a declared blocking call gives its processor away",
                    "GOMAXPROCS=2 and both Ps' goroutines block reading a FIFO nobody writes, inside\n"
                            + "Gort.syscall (entersyscall/exitsyscall). Their Ps go _Psyscall; sysmon retakes them (Go's\n"
                            + "retake rules) and hands them off, so a 1 ms ticker keeps running.");
        } else {
            header("blocked: undeclared blocking is detected and handed off too",
                    "The same read without Gort.syscall. The carrier threads block in the kernel; sysmon sees\n"
                            + "their CPU time stop and the kernel report them asleep, and hands their Ps off\n"
                            + "(blockedhandoffs). JDK virtual threads would starve here for the whole block.");
        }
        Path dir = Files.createTempDirectory("gort-tour");
        Path f = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", f.toString()).start();
        if (mk.waitFor() != 0) {
            out.println("  (mkfifo is not available: scenario skipped)");
            return;
        }
        try (GortRuntime rt = traced(2)) {
            List<Long> d = rt.run(() -> {
                WaitGroup readers = new WaitGroup();
                readers.add(2);
                CountDownLatch in = new CountDownLatch(2);
                for (int i = 0; i < 2; i++) {
                    Gort.go(() -> {
                        in.countDown();
                        try {
                            if (declared) {
                                Gort.syscall(() -> {
                                    try (FileInputStream r = new FileInputStream(f.toFile())) {
                                        return r.read();
                                    }
                                });
                            } else {
                                try (FileInputStream r = new FileInputStream(f.toFile())) {
                                    r.read();
                                }
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                        readers.done();
                    });
                }
                in.await();
                Thread.sleep(20);
                List<Long> r = ticker(2000);
                try (FileOutputStream w = new FileOutputStream(f.toFile())) {
                    w.write(new byte[]{1, 1});
                }
                readers.await();
                return r;
            });
            sched(rt, "end");
            result(declared ? "syscall" : "blocked", declared ? "2 Ps' goroutines in Gort.syscall(read FIFO)" : "2 Ps' goroutines in a plain FIFO read", pct(d));
        } finally {
            Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        }
    }

    private void deadlock() throws Exception {
        header("deadlock: reported, not hung",
                "The main goroutine waits on a WaitGroup that nobody will ever signal, and three goroutines\n"
                        + "wait on another one. When the last M goes idle, checkdead finds every goroutine waiting on\n"
                        + "something only a goroutine could signal, and run() throws DeadlockException.");
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        GortRuntime rt = GortRuntime.builder().gomaxprocs(2).panicOutput(new PrintStream(quiet, true, StandardCharsets.UTF_8)).build();
        long t0 = System.nanoTime();
        try {
            rt.run(() -> {
                WaitGroup never = new WaitGroup();
                never.add(1);
                for (int i = 0; i < 3; i++) {
                    Gort.go(() -> {
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            // the runtime ends
                        }
                    });
                }
                WaitGroup nobody = new WaitGroup();
                nobody.add(1);
                nobody.await();
                return null;
            });
            result("deadlock", "every goroutine waits forever", "NOT detected");
        } catch (DeadlockException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String[] lines = e.getMessage().split("\n");
            for (int i = 0; i < Math.min(lines.length, 9); i++) out.println("  | " + lines[i]);
            out.println("  | ...");
            result("deadlock", "every goroutine waits forever", "DeadlockException after " + ms + " ms: " + lines[0]);
        } finally {
            rt.close();
        }
    }

    private void sieve() throws Exception {
        header("sieve: goroutines talking over channels",
                "Go's prime sieve: a generator goroutine and one filter goroutine per prime, each passing\n"
                        + "numbers on to the next over an unbuffered channel (every value is a direct hand-off\n"
                        + "from a sender to a parked receiver, readied into the sender's runnext).");
        int primes = 1000;
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            long[] r = rt.run(() -> {
                long t0 = System.nanoTime();
                dev.gort.Chan<Integer> ch = new dev.gort.Chan<>();
                Gort.go(() -> {
                    for (int i = 2; ; i++) ch.send(i);
                });
                dev.gort.Chan<Integer> in = ch;
                int last = 0;
                for (int i = 0; i < primes; i++) {
                    int prime = in.recv();
                    last = prime;
                    dev.gort.Chan<Integer> src = in, dst = new dev.gort.Chan<>();
                    Gort.go(() -> {
                        for (;;) {
                            int v = src.recv();
                            if (v % prime != 0) dst.send(v);
                        }
                    });
                    in = dst;
                }
                return new long[]{last, System.nanoTime() - t0, Gort.numGoroutine()};
            });
            sched(rt, "end");
            out.printf("  the %dth prime is %d; %d goroutines; %d ms%n", primes, r[0], r[2], r[1] / 1_000_000);
            result("sieve", "first " + primes + " primes through a goroutine chain",
                    String.format("%d ms, %d goroutines, 1000th prime %d", r[1] / 1_000_000, r[2], r[0]));
        }
    }
}
