package dev.gort.bench.scenario;

import dev.gort.GortRuntime;
import dev.gort.WaitGroup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario (c), idle cost: the CPU time this whole process (every thread: gort's, the JDK's, GC
 * and JIT) uses in a window while 10,000 goroutines are parked, read with
 * {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} ({@link ProcessCpu}, ns resolution; the
 * {@code OperatingSystemMXBean.getProcessCpuTime()} figure, in 10 ms steps on Linux, is
 * reported beside it).
 *
 * <p>Modes: {@code bare} (a JVM that only sleeps), {@code gort} (10,000 goroutines parked in
 * {@code WaitGroup.await} on a GOMAXPROCS=2 runtime), {@code jdk} (10,000 virtual threads parked
 * in {@code CountDownLatch.await} on the default scheduler, parallelism 2). Every mode does the
 * same settling: two {@code System.gc()} and then a sleep until the window's start, an absolute
 * time chosen by the parent so that the three children of a round measure the same 10 s and
 * none of them starts or ends inside another's window.
 */
final class IdleCost {
    private IdleCost() {}

    static final int PARKED = 10_000;

    static Map<String, Double> run(String mode, long windowStartEpochMs, long windowMs, boolean diag) throws Exception {
        Map<String, Double> out = new LinkedHashMap<>();
        GortRuntime rt = null;
        WaitGroup release = null;
        CountDownLatch jdkRelease = null;
        CountDownLatch finished = new CountDownLatch(mode.equals("bare") ? 0 : PARKED);
        AtomicInteger started = new AtomicInteger();
        switch (mode) {
            case "bare" -> { }
            case "gort" -> {
                rt = GortRuntime.builder().name("idle").gomaxprocs(2).build();
                WaitGroup wg = new WaitGroup();
                wg.add(1);
                release = wg;
                for (int i = 0; i < PARKED; i++) {
                    rt.go(() -> {
                        started.incrementAndGet();
                        try {
                            wg.await();
                        } catch (InterruptedException e) {
                            // shut down
                        }
                        finished.countDown();
                    });
                }
            }
            case "jdk" -> {
                new Env.Jdk(2); // checks the flags
                CountDownLatch latch = new CountDownLatch(1);
                jdkRelease = latch;
                for (int i = 0; i < PARKED; i++) {
                    Thread.ofVirtual().start(() -> {
                        started.incrementAndGet();
                        try {
                            latch.await();
                        } catch (InterruptedException e) {
                            // not expected
                        }
                        finished.countDown();
                    });
                }
            }
            default -> throw new IllegalArgumentException("idle mode " + mode);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!mode.equals("bare") && started.get() < PARKED) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("only " + started.get() + " of " + PARKED + " started in 30 s");
            Thread.sleep(10);
        }
        if (rt != null) out.put("goroutines", (double) rt.numGoroutine());
        // Everything read around the window is linked and run once here, during the settling,
        // so that the window itself holds no class loading, JIT work or garbage of ours.
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        var jit = ManagementFactory.getCompilationMXBean();
        long[] gortIds = rt == null ? new long[0] : rt.threads().stream().mapToLong(Thread::threadId).toArray();
        long[] gortCpu0 = new long[gortIds.length], gortCpu1 = new long[gortIds.length];
        Map<String, Long> kernelBefore = null;
        for (int warm = 0; warm < 2; warm++) {
            ProcessCpu.nanos();
            os.getProcessCpuTime();
            jit.getTotalCompilationTime();
            gcCount();
            threadsCpu(tmx, gortIds, gortCpu0);
        }
        System.gc();
        Thread.sleep(200);
        System.gc();
        long lead = windowStartEpochMs - System.currentTimeMillis();
        out.put("settlems", (double) lead);
        if (lead < 1_000) throw new IllegalStateException("setup ended only " + lead + " ms before the window: give the children more lead time");
        Thread.sleep(lead);

        if (diag) kernelBefore = kernelThreadCpu();
        long jit0 = jit.getTotalCompilationTime();
        long gc0 = gcCount();
        threadsCpu(tmx, gortIds, gortCpu0);
        long mx0 = os.getProcessCpuTime();
        long cpu0 = ProcessCpu.nanos();
        long w0 = System.nanoTime();
        Thread.sleep(windowMs);
        long cpu1 = ProcessCpu.nanos();
        long w1 = System.nanoTime();
        long mx1 = os.getProcessCpuTime();
        threadsCpu(tmx, gortIds, gortCpu1);
        long gc1 = gcCount();
        long jit1 = jit.getTotalCompilationTime();
        if (diag) {
            System.err.println("idle " + mode + ": threads that used CPU around the window (kernel's view, "
                    + "/proc/self/task/*/schedstat, ms): " + topThreads(kernelBefore, kernelThreadCpu()));
        }

        out.put("cpums", (cpu1 - cpu0) / 1e6);
        out.put("mxbeancpums", (mx1 - mx0) / 1e6); // 10 ms steps, for reference
        out.put("wallms", (w1 - w0) / 1e6);
        out.put("jitms", (double) (jit1 - jit0)); // JIT compilation in the window (ms resolution)
        out.put("gcs", (double) (gc1 - gc0));
        if (rt != null) {
            // gort's own threads (its Ms and sysmon: GortRuntime.threads()), per-thread CPU clocks.
            double gortMs = 0;
            for (int i = 0; i < gortIds.length; i++) gortMs += (gortCpu1[i] - gortCpu0[i]) / 1e6;
            out.put("gortthreads", (double) gortIds.length);
            out.put("gortthreadsms", gortMs);
        }

        if (release != null) release.done();
        if (jdkRelease != null) jdkRelease.countDown();
        if (!finished.await(30, TimeUnit.SECONDS)) throw new IllegalStateException(finished.getCount() + " parked threads not released in 30 s");
        if (rt != null) {
            rt.shutdownNow();
            if (!rt.awaitTermination(Duration.ofSeconds(20))) throw new IllegalStateException("gort runtime did not terminate");
            if (rt.failure() != null) throw new IllegalStateException("gort runtime failed", rt.failure());
        }
        return out;
    }

    private static long gcCount() {
        long n = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionCount());
        return n;
    }

    /** "tid name" -> ns on CPU, from /proc/self/task/TID/schedstat (every thread: GC, JIT, VM). */
    private static Map<String, Long> kernelThreadCpu() {
        Map<String, Long> m = new HashMap<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String comm = java.nio.file.Files.readString(t.resolve("comm")).trim();
                    String ss = java.nio.file.Files.readString(t.resolve("schedstat")).trim();
                    m.put(t.getFileName() + " " + comm, Long.parseLong(ss.split("\\s+")[0]));
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (java.io.IOException e) {
            // not Linux
        }
        return m;
    }

    private static String topThreads(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder sb = new StringBuilder();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .limit(8)
                .forEach(e -> sb.append(String.format(java.util.Locale.ROOT, "%s=%.3f; ", e.getKey(), e.getValue() / 1e6)));
        return sb.toString();
    }

    private static void threadsCpu(ThreadMXBean tmx, long[] ids, long[] into) {
        for (int i = 0; i < ids.length; i++) into[i] = tmx.getThreadCpuTime(ids[i]);
    }
}
