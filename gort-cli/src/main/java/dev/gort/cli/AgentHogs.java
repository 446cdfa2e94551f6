package dev.gort.cli;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The tour's agent program, written as if gort did not exist: four CPU-bound tasks with call-free
 * loops and a 1 ms ticker, all on {@code Executors.newVirtualThreadPerTaskExecutor()}. Prints
 * {@code ticks=N p50us=.. p99us=.. maxus=..} after the given number of ms and exits (a platform
 * thread ends it: on the JDK's own scheduler nothing else would run). It imports nothing from
 * gort; under {@code gort run} the agent rewrites its executor and puts checkpoints in its loops.
 */
public final class AgentHogs {
    private AgentHogs() {}

    static volatile boolean stop;

    static long spin(long x) {
        while (!stop) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    public static void main(String[] args) throws Exception {
        long runMs = Long.parseLong(args[0]);
        ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(runMs);
            } catch (InterruptedException e) {
                return;
            }
            stop = true;
            long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.println("ticks=" + d.length + " p50us=" + pct(d, 0.50) + " p99us=" + pct(d, 0.99)
                    + " maxus=" + (d.length == 0 ? -1 : d[d.length - 1] / 1000));
            System.out.flush();
            System.exit(0);
        }, "timer");
        timer.start();
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < 4; i++) {
            long seed = 88172645463325252L + i;
            ex.submit(() -> spin(seed));
        }
        ex.submit(() -> {
            while (!stop) {
                long t0 = System.nanoTime();
                Thread.sleep(1);
                delays.add(Math.max(0, System.nanoTime() - t0 - 1_000_000));
            }
            return null;
        });
        timer.join();
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) return -1;
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000;
    }
}
