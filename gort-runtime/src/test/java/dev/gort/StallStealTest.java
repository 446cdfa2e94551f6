package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The stall steal (Proc.stealFromStalled): goroutines queued on a P whose goroutine runs long are
 * taken by a P that is busy, where Go would leave them until that P schedules again. At
 * GOMAXPROCS=2 one goroutine keeps a P scheduling (it yields in a loop), so no P is ever idle and
 * nobody steals the ordinary way; the main goroutine queues children on its own P and then runs
 * without a checkpoint. sysmon's other ways of moving them (a hand-off for ignored preemption or
 * a blocked carrier) are set far beyond the test.
 */
@Timeout(120)
class StallStealTest {
    static final int CHILDREN = 8;
    static volatile long sink;

    /** Children that ran while the main goroutine was still running without a checkpoint. */
    private static int childrenRunDuringHog(GortRuntime rt, long hogNanos) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong streamed = new AtomicLong();
        AtomicInteger ran = new AtomicInteger();
        int[] during = new int[1];
        rt.run(() -> {
            Gort.go(() -> { // keeps the other P in the scheduler: every yield is a round of schedule
                while (!stop.get()) {
                    streamed.incrementAndGet();
                    Gort.gosched();
                }
            });
            long waitUntil = System.nanoTime() + 10_000_000_000L;
            while (streamed.get() < 1_000 && System.nanoTime() < waitUntil) Gort.sleep(Duration.ofMillis(1));
            assertTrue(streamed.get() >= 1_000, "the streaming goroutine never got going");
            for (int i = 0; i < CHILDREN; i++) Gort.go(ran::incrementAndGet); // on this P's queue
            long end = System.nanoTime() + hogNanos;
            while (ran.get() < CHILDREN - 1 && System.nanoTime() < end) Thread.onSpinWait(); // no checkpoint
            during[0] = ran.get();
            stop.set(true);
            return null;
        });
        return during[0];
    }

    private static GortRuntime.Builder builder() {
        return GortRuntime.builder().gomaxprocs(2)
                .ignoredPreemption(Duration.ofSeconds(60)).blockedCarrier(Duration.ofSeconds(60))
                .runawayReport(Duration.ZERO);
    }

    @Test
    void aBusyPTakesTheQueueOfAPWhoseGoroutineRunsLong() throws Exception {
        try (GortRuntime rt = builder().build()) {
            int during = childrenRunDuringHog(rt, 5_000_000_000L);
            // The last child is in the P's runnext, which a stall steal leaves (as runqsteal does
            // while the owner runs); the ring's seven are taken, half a queue at a time.
            assertTrue(during >= CHILDREN - 1, "only " + during + " of " + CHILDREN + " children ran in 5 s: " + rt.schedtrace(false));
            Matcher m = Pattern.compile(" stallsteals=(\\d+)").matcher(rt.schedtrace(false));
            assertTrue(m.find() && Long.parseLong(m.group(1)) >= 1, rt.schedtrace(false));
        }
    }

    @Test
    void withTheStallStealOffTheQueueWaitsForItsP() throws Exception {
        try (GortRuntime rt = builder().stallSteal(Duration.ZERO).build()) {
            int during = childrenRunDuringHog(rt, 300_000_000L);
            assertTrue(during < CHILDREN - 1, during + " children ran beside the long goroutine with the stall steal off");
            assertTrue(rt.schedtrace(false).contains(" stallsteals=0"), rt.schedtrace(false));
        }
    }

    /**
     * Stress: at GOMAXPROCS=4 on this machine's 2 cores the OS time-shares the Ms, so Ps stall
     * all the time and, at the shortest interval (10 µs), busy Ms steal their queues while their
     * owners resume and steal back. Every goroutine must run exactly once and every channel
     * hand-off arrive.
     */
    @Test
    void noGoroutineIsLostOrRunTwiceWhileStalledQueuesAreStolen() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(4).stallSteal(Duration.ofNanos(10_000)).build()) {
            int producers = 8, perProducer = 5_000;
            java.util.concurrent.atomic.AtomicIntegerArray runs = new java.util.concurrent.atomic.AtomicIntegerArray(producers * perProducer);
            AtomicLong received = new AtomicLong();
            rt.run(() -> {
                Chan<Integer> ch = new Chan<>(64);
                WaitGroup wg = new WaitGroup();
                wg.add(producers * perProducer + 1);
                Gort.go(() -> { // a consumer: hand-offs through the channel wake goroutines across Ps
                    for (int k = 0; k < producers * perProducer; k++) received.addAndGet(ch.recv());
                    wg.done();
                });
                for (int p = 0; p < producers; p++) {
                    int base = p * perProducer;
                    Gort.go(() -> { // each producer fills its own P's queue
                        for (int k = 0; k < perProducer; k++) {
                            int id = base + k;
                            Gort.go(() -> {
                                runs.incrementAndGet(id);
                                long x = id;
                                for (int spin = 0; spin < 200; spin++) x = x * 31 + spin; // a little work
                                sink = x;
                                ch.send(1);
                                wg.done();
                            });
                            if ((k & 63) == 0) Gort.gosched();
                        }
                    });
                }
                wg.await();
                return null;
            });
            for (int i = 0; i < runs.length(); i++) assertEquals(1, runs.get(i), "goroutine " + i + " ran " + runs.get(i) + " times");
            assertEquals(producers * perProducer, received.get());
        }
    }

    @Test
    void aBadIntervalIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GortRuntime.builder().stallSteal(Duration.ofNanos(5)).build());
        assertTrue(e.getMessage().contains("stall-steal interval"), e.getMessage());
    }
}
