package dev.gort.cli;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.WaitGroup;
import dev.gort.mem.Buffer;
import dev.gort.mem.Heap;
import dev.gort.mem.MemStats;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The tour's memory scenario: goroutines allocate and write a few hundred MiB of span-heap
 * buffers and free them; sysmon's scavenger (its limit shortened to 1 s for the tour) gives the
 * idle spans back to the OS, and RSS, HeapIdle and HeapReleased show it.
 */
final class MemoryTour {
    private MemoryTour() {}

    static final long MIB = 1 << 20;
    static final int TOTAL_MIB = 256, BUF = 64 << 10, WORKERS = 4;

    /** Runs the scenario; returns the line for the tour's summary. */
    static String run(PrintStream out) throws Exception {
        Heap heap = Heap.defaultHeap();
        long rss0 = rssKiB();
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).scavengeLimit(Duration.ofSeconds(1)).build()) {
            out.println("  " + line("start", heap.memStats(), rss0));
            int per = TOTAL_MIB * (int) MIB / BUF / WORKERS;
            Buffer[][] bufs = new Buffer[WORKERS][per];
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                for (int w = 0; w < WORKERS; w++) {
                    Buffer[] mine = bufs[w];
                    wg.add(1);
                    Gort.go(() -> { // each goroutine allocates through its P's cache
                        for (int i = 0; i < mine.length; i++) {
                            mine[i] = heap.allocate(BUF);
                            mine[i].segment().fill((byte) i);
                        }
                        wg.done();
                    });
                }
                wg.await();
                return null;
            });
            MemStats full = heap.memStats();
            out.println("  " + line("allocated and written " + TOTAL_MIB + " MiB", full, rssKiB()));
            rt.run(() -> {
                for (Buffer[] bs : bufs) for (Buffer b : bs) b.free();
                return null;
            });
            long freedAt = System.nanoTime();
            MemStats freed = heap.memStats();
            long rssFreed = rssKiB();
            out.println("  " + line("freed them all", freed, rssFreed));
            out.println("  (free spans stay resident until they have been idle for the scavenge limit, 1 s here; sysmon");
            out.println("   looks every limit/2, as Go <=1.12 did every 2.5 of its 5 minutes)");
            MemStats st = freed;
            long rss = rssFreed;
            long releasedAt = -1;
            while (System.nanoTime() - freedAt < 5_000_000_000L) {
                Thread.sleep(250);
                st = heap.memStats();
                rss = rssKiB();
                long ms = (System.nanoTime() - freedAt) / 1_000_000;
                out.println("  " + line(String.format("+%4d ms", ms), st, rss));
                if (st.heapReleased() - freed.heapReleased() >= (long) TOTAL_MIB * MIB * 9 / 10) {
                    releasedAt = ms;
                    break;
                }
            }
            String trace = rt.schedtrace(false);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("scvg=(\\d+) scvgreleasedMB=(\\d+)").matcher(trace);
            if (m.find()) out.println("  schedtrace: scvg=" + m.group(1) + " scvgreleasedMB=" + m.group(2) + " (sysmon's scavenges)");
            long dropMiB = (rssFreed - rss) / 1024;
            return releasedAt < 0
                    ? String.format("%d MiB freed; not released within 5 s (HeapReleased +%d MiB)", TOTAL_MIB,
                    (st.heapReleased() - freed.heapReleased()) / MIB)
                    : String.format("%d MiB freed, released %d ms later: RSS -%d MiB, HeapReleased +%d MiB", TOTAL_MIB,
                    releasedAt, dropMiB, (st.heapReleased() - freed.heapReleased()) / MIB);
        }
    }

    private static String line(String what, MemStats s, long rssKiB) {
        return String.format("%-38s RSS %5d MiB  HeapSys %5d  HeapInuse %5d  HeapIdle %5d  HeapReleased %5d MiB",
                what, rssKiB / 1024, s.heapSys() / MIB, s.heapInuse() / MIB, s.heapIdle() / MIB, s.heapReleased() / MIB);
    }

    /** VmRSS from /proc/self/status, in KiB (-1 where there is none). */
    static long rssKiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
