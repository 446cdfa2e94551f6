package dev.gort.bench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much CPU other processes used while a benchmark ran, in cores (1.0 = one core busy all
 * along): the machine's busy time from {@code /proc/stat} (steal included: the hypervisor's other
 * guests count as contention too) minus this process's own and that of its reaped children (the
 * JMH forks, which {@code Runner} waits for) from {@code /proc/self/stat}. Read before and after a
 * measurement; NaN where {@code /proc} is missing. The machine gort is benchmarked on is shared,
 * so a round that ran next to someone's build is flagged rather than silently averaged in.
 */
record ForeignLoad(long machineBusy, long ownBusy, long nanos) {
    /** USER_HZ: the unit of /proc's times; 100 on every Linux architecture gort runs on. */
    private static final double TICKS_PER_SECOND = 100;

    /** A snapshot now, or null without /proc. */
    static ForeignLoad now() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) if (i < cpu.length) busy += Long.parseLong(cpu[i]);
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] f = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            // fields after "(comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return new ForeignLoad(busy, own, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Cores used by other processes between this snapshot and later; NaN if either is missing. */
    double coresUntil(ForeignLoad later) {
        if (later == null) return Double.NaN;
        double seconds = (later.nanos - nanos) / 1e9;
        if (seconds <= 0) return Double.NaN;
        long foreign = (later.machineBusy - machineBusy) - (later.ownBusy - ownBusy);
        return Math.max(0, foreign / TICKS_PER_SECOND / seconds);
    }
}
