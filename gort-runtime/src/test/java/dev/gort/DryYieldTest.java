package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The dry yield (Proc.osyieldIfBusy): an M that has run for gort.dryyield without sleeping
 * gives its core to the OS (sched_yield) when its queues run dry, before it polls and steals.
 * What the kernel then does cannot be asserted here (the echo benchmark measures it); these
 * tests pin down when gort yields: a busy M at its dry points, never an M that sleeps between
 * short bursts, never with the interval at zero.
 */
@Timeout(120)
class DryYieldTest {
    static volatile long sink;

    private static long dryyields(GortRuntime rt) {
        Matcher m = Pattern.compile(" dryyields=(\\d+)").matcher(rt.schedtrace(false));
        assertTrue(m.find(), rt.schedtrace(false));
        return Long.parseLong(m.group(1));
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) x = x * 31 + 7;
        sink = x;
    }

    /**
     * At GOMAXPROCS=2 the main goroutine keeps up to four children of 150 µs each queued on its
     * P; the other P's M takes them by stealing, so it is never idle long enough to sleep and
     * runs dry after every stolen batch. Returns how many children ran in about 300 ms.
     */
    private static int stealLoop(GortRuntime rt) throws Exception {
        AtomicInteger inflight = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        rt.run(() -> {
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
                if (inflight.get() < 4) {
                    inflight.incrementAndGet();
                    Gort.go(() -> {
                        spin(150_000);
                        ran.incrementAndGet();
                        inflight.decrementAndGet();
                    });
                } else {
                    Thread.onSpinWait();
                }
            }
            while (inflight.get() > 0) Gort.sleep(Duration.ofMillis(1));
            return null;
        });
        return ran.get();
    }

    @Test
    void aBusyMYieldsItsCoreWhenItsQueuesRunDry() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int ran = stealLoop(rt);
            assertTrue(ran >= 100, "only " + ran + " children ran: " + rt.schedtrace(false));
            // About one yield per stolen batch (each 150-300 µs of running); 20 is far below.
            assertTrue(dryyields(rt) >= 20, rt.schedtrace(false));
        }
    }

    @Test
    void withTheIntervalAtZeroNoMYields() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).dryYield(Duration.ZERO).build()) {
            int ran = stealLoop(rt);
            assertTrue(ran >= 100, "only " + ran + " children ran: " + rt.schedtrace(false));
            assertEquals(0, dryyields(rt), rt.schedtrace(false));
        }
    }

    /**
     * A goroutine that sleeps 1 ms between short bursts: its M sleeps every time (in the timer
     * sleep), so it never runs 100 µs without a break and has nothing to yield for (a ping-pong
     * server must not pay a system call per round trip). The first 200 rounds warm the code up:
     * interpreted, the way from a wake-up to the next dry point can itself take 100 µs.
     */
    @Test
    void anMThatSleepsBetweenShortBurstsDoesNotYield() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            long[] before = new long[1];
            rt.run(() -> {
                for (int i = 0; i < 400; i++) {
                    if (i == 200) before[0] = dryyields(rt);
                    spin(5_000);
                    Gort.sleep(Duration.ofMillis(1));
                }
                return null;
            });
            long yields = dryyields(rt) - before[0];
            // At least 200 dry points, one per round: a yield at each would be 200 or more. Some
            // do yield (measured: 6-17), when a wake-up and the way to the dry point took 100 µs.
            assertTrue(yields <= 100, yields + " yields in 200 rounds: " + rt.schedtrace(false));
        }
    }

    @Test
    void aBadIntervalIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GortRuntime.builder().dryYield(Duration.ofNanos(5)).build());
        assertTrue(e.getMessage().contains("dry-yield interval"), e.getMessage());
        System.setProperty("gort.dryyield", "soon");
        try {
            IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> GortRuntime.builder().build());
            assertTrue(p.getMessage().contains("gort.dryyield"), p.getMessage());
        } finally {
            System.clearProperty("gort.dryyield");
        }
    }
}
