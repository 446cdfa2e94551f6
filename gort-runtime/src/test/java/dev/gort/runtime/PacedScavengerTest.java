package dev.gort.runtime;

import dev.gort.GortRuntime;
import dev.gort.mem.Buffer;
import dev.gort.mem.Heap;
import dev.gort.mem.MemStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The option of Go 1.13+'s paced background scavenger: with sysmon's limit far away (10 minutes),
 * freed memory still goes back to the OS within seconds, down to about 110% of what is in use;
 * live buffers keep their contents; without the option no scavenger goroutine exists.
 */
@Timeout(60)
class PacedScavengerTest {
    static final long MIB = 1 << 20;

    @Test
    void releasesFreedMemoryDownToTheGoalWithoutWaitingForTheLimit() throws Exception {
        Heap heap = Heap.defaultHeap();
        Thread scavenger;
        try (GortRuntime rt = GortRuntime.builder().name("paced").gomaxprocs(2)
                .scavengeLimit(Duration.ofMinutes(10)).pacedScavenger(true).build()) {
            Sched s = MallocTest.sched(rt);
            Buffer[] live = new Buffer[128];
            rt.run(() -> {
                for (int i = 0; i < live.length; i++) { // 8 MiB that stay in use
                    live[i] = heap.allocate(64 << 10);
                    live[i].segment().fill((byte) (i + 1));
                }
                Buffer[] tmp = new Buffer[1024];      // 64 MiB written, then freed
                for (int i = 0; i < tmp.length; i++) {
                    tmp[i] = heap.allocate(64 << 10);
                    tmp[i].segment().fill((byte) 7);
                }
                for (Buffer b : tmp) b.free();
                return null;
            });
            long deadline = System.nanoTime() + 30_000_000_000L;
            MemStats st = heap.memStats();
            while (System.nanoTime() < deadline) {
                st = heap.memStats();
                if (s.bgscavenger != null && s.bgscavenger.released >= 32 * MIB
                        && st.retained() <= st.heapInuse() * 11 / 10 + 2 * MIB) break;
                Thread.sleep(20);
            }
            assertNotNull(s.bgscavenger, "the paced scavenger never started");
            assertTrue(s.bgscavenger.released >= 32 * MIB, "released only " + s.bgscavenger.released / MIB + " MiB: " + st);
            assertTrue(st.retained() <= st.heapInuse() * 11 / 10 + 2 * MIB,
                    "retained " + st.retained() / MIB + " MiB against " + st.heapInuse() / MIB + " MiB in use: " + st);
            assertEquals(0, s.scavengedBytes, "sysmon's own scavenge (10 min limit) released nothing");
            for (int i = 0; i < live.length; i++) {
                byte want = (byte) (i + 1);
                assertTrue(live[i].segment().elements(ValueLayout.JAVA_BYTE).allMatch(x -> x.get(ValueLayout.JAVA_BYTE, 0) == want),
                        "live buffer " + i + " lost its contents");
                live[i].free();
            }
            assertTrue(rt.schedtrace(false).contains(" bgscvg="), rt.schedtrace(false));
            assertEquals(0, rt.numGoroutine(), "the scavenger is a system goroutine");
            scavenger = s.bgscavenger.thread();
        }
        // It ends with its runtime, before close returns (it used to stay parked for good).
        assertNotNull(scavenger);
        scavenger.join(5_000);
        assertFalse(scavenger.isAlive(), "the paced scavenger outlived its runtime");
    }

    @Test
    void offByDefault() throws Exception {
        Heap.defaultHeap();
        try (GortRuntime rt = GortRuntime.builder().name("unpaced").gomaxprocs(1).build()) {
            Thread.sleep(100);
            assertNull(MallocTest.sched(rt).bgscavenger);
        }
    }

    @Test
    void aBadModeIsAClearError() {
        String old = System.getProperty("gort.scavenger");
        System.setProperty("gort.scavenger", "eager");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Tunables::fromEnvironment);
            assertTrue(e.getMessage().contains("gort.scavenger"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty("gort.scavenger"); else System.setProperty("gort.scavenger", old);
        }
    }
}
