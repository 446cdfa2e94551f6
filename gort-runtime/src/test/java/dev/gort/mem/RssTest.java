package dev.gort.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's RSS test: 512 MiB in 64 KiB buffers, all written, all freed; with a scavenge limit
 * of 1 s the process's RSS ({@code /proc/self/status}) falls by at least 90% of what was freed
 * within a few seconds: once on a heap of its own with the scavenger (Go ≤1.12's
 * mheap_.scavenge(now, limit)) called by the test every 250 ms, and once on the default heap
 * in a runtime whose sysmon does it (scavengelimit 1 s).
 */
class RssTest {
    static final long MIB = 1 << 20;
    static final long TOTAL = 512 * MIB;
    static final int SIZE = 64 << 10;
    static final long LIMIT_NS = 1_000_000_000L;

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void rssFallsAfterTheLimit() throws Exception {
        try (Heap heap = Heap.builder().checked(false).build()) {
            long start = rssBytes();
            Buffer[] bufs = new Buffer[(int) (TOTAL / SIZE)];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = heap.allocate(SIZE);
                bufs[i].segment().fill((byte) i);
            }
            long full = rssBytes();
            assertTrue(full - start >= TOTAL * 9 / 10, "touching 512 MiB raised RSS by only " + (full - start) / MIB + " MiB");
            for (Buffer b : bufs) b.free();
            long freedAt = System.nanoTime();
            assertEquals(0, heap.mheap.scavenge(freedAt, LIMIT_NS), "nothing is idle for 1 s yet");
            long afterFree = rssBytes();

            long released = 0;
            long after = afterFree;
            long deadline = freedAt + 5 * LIMIT_NS;
            while (System.nanoTime() < deadline) {
                Thread.sleep(250);
                released += heap.mheap.scavenge(System.nanoTime(), LIMIT_NS);
                after = rssBytes();
                if (full - after >= TOTAL * 9 / 10) break;
            }
            long waited = (System.nanoTime() - freedAt) / 1_000_000;
            System.out.printf("RssTest: RSS start %d MiB, written %d MiB, freed %d MiB, scavenged %d MiB after %d ms -> %d MiB%n",
                    start / MIB, full / MIB, afterFree / MIB, released / MIB, waited, after / MIB);
            assertTrue(full - after >= TOTAL * 9 / 10,
                    "RSS fell by only " + (full - after) / MIB + " MiB of 512 MiB freed (released " + released / MIB + " MiB)");
            assertTrue(waited >= LIMIT_NS / 1_000_000, "released before the limit");
            MemStats st = heap.memStats();
            assertEquals(0, st.heapObjects());
            assertTrue(st.heapReleased() >= st.heapIdle() - 2 * MIB, st.toString());
        }
    }

    @Test
    void rssFallsWhenSysmonScavenges() throws Exception {
        Heap heap = Heap.defaultHeap();
        try (dev.gort.GortRuntime rt = dev.gort.GortRuntime.builder().name("rss").gomaxprocs(2)
                .scavengeLimit(java.time.Duration.ofSeconds(1)).build()) {
            long[] full = new long[1];
            long freedAt = rt.run(() -> {
                Buffer[] bufs = new Buffer[(int) (TOTAL / SIZE)];
                for (int i = 0; i < bufs.length; i++) {
                    bufs[i] = heap.allocate(SIZE);
                    bufs[i].segment().fill((byte) i);
                }
                full[0] = rssBytes();
                for (Buffer b : bufs) b.free();
                return System.nanoTime();
            });
            long after = rssBytes();
            while (System.nanoTime() - freedAt < 10 * LIMIT_NS && full[0] - after < TOTAL * 9 / 10) {
                Thread.sleep(50);
                after = rssBytes();
            }
            long waited = (System.nanoTime() - freedAt) / 1_000_000;
            System.out.printf("RssTest (sysmon): RSS written %d MiB -> %d MiB %d ms after the frees; %s%n",
                    full[0] / MIB, after / MIB, waited, rt.schedtrace(false).trim());
            assertTrue(full[0] - after >= TOTAL * 9 / 10, "RSS fell by only " + (full[0] - after) / MIB + " MiB of 512 MiB freed: "
                    + heap.memStats());
        }
    }
}
