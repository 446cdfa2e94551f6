package dev.gort.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code gort timerslack}: how long LockSupport.parkNanos really sleeps for sysmon's sleep
 * lengths (20 us ... 10 ms) on this machine. The kernel's timer slack (Linux: 50 us by default)
 * and the wake-up latency make short sleeps much longer than asked.
 */
final class TimerSlack {
    private TimerSlack() {}

    static int run(PrintStream out) {
        out.println("LockSupport.parkNanos on a platform thread (sysmon's sleep):");
        for (long req : new long[]{20_000, 40_000, 80_000, 160_000, 1_000_000, 10_000_000}) {
            int n = req < 1_000_000 ? 2000 : req < 10_000_000 ? 300 : 60;
            long[] d = new long[n];
            for (int w = 0; w < 50; w++) LockSupport.parkNanos(req);
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                LockSupport.parkNanos(req);
                d[i] = System.nanoTime() - t;
            }
            Arrays.sort(d);
            out.printf("  request %8.3f ms: actual p50 %8.3f ms, p99 %8.3f ms (oversleep p50 %6.1f us)%n",
                    req / 1e6, d[n / 2] / 1e6, d[n * 99 / 100] / 1e6, (d[n / 2] - req) / 1e3);
        }
        try {
            out.println("  /proc/self/timerslack_ns = " + Files.readString(Path.of("/proc/self/timerslack_ns")).trim());
        } catch (Exception e) {
            out.println("  (no /proc/self/timerslack_ns)");
        }
        return 0;
    }
}
