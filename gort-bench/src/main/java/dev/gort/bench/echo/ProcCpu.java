package dev.gort.bench.echo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time (user + system, every thread) from {@code /proc/PID/stat}, in seconds.
 * The kernel counts it in clock ticks of 1/100 s (USER_HZ, 100 on Linux x86-64), so over the
 * 3 s window the resolution is about 0.3 % of a core. NaN where there is no {@code /proc}.
 */
final class ProcCpu {
    private ProcCpu() {}

    static final double TICK_S = 0.01;

    static double seconds(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
            // f[0] is field 3 (state); utime and stime are fields 14 and 15.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_S;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
