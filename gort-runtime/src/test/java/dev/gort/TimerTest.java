package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Timers on per-P heaps: sleep, Timer, Ticker, after, select timeouts, checkdead and timers. */
@Timeout(120)
class TimerTest {

    @Test
    void sleepIsAccurate() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            List<Long> over = rt.run(() -> {
                List<Long> d = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    long t0 = System.nanoTime();
                    Gort.sleep(Duration.ofMillis(1));
                    d.add(System.nanoTime() - t0 - 1_000_000);
                }
                Collections.sort(d);
                return d;
            });
            assertTrue(over.get(0) >= 0, "woke early: " + over.get(0));
            long p50 = over.get(over.size() / 2);
            assertTrue(p50 < 5_000_000, "sleep(1 ms) p50 oversleep " + p50 / 1000 + " us");
        }
    }

    @Test
    void manySleepersWakeAndAreNotADeadlock() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int n = rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                AtomicInteger woke = new AtomicInteger();
                wg.add(1000);
                for (int i = 0; i < 1000; i++) {
                    int k = i;
                    Gort.go(() -> {
                        Gort.sleep(Duration.ofMillis(50 + k % 50));
                        woke.incrementAndGet();
                        wg.done();
                    });
                }
                wg.await(); // everyone asleep on timers: checkdead must not fire
                return woke.get();
            });
            assertEquals(1000, n);
        }
    }

    @Test
    void timerStopResetAndAfterFunc() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            rt.run(() -> {
                Timer t = Timer.newTimer(Duration.ofMillis(20));
                long fired = t.c().recv();
                assertTrue(fired > 0);
                assertFalse(t.stop(), "already fired");
                Timer s = Timer.newTimer(Duration.ofMillis(200));
                assertTrue(s.stop(), "stopped before firing");
                Gort.sleep(Duration.ofMillis(300));
                assertNull(s.c().tryRecv(), "a stopped timer does not fire");
                assertFalse(s.reset(Duration.ofMillis(10)));
                assertNotNull(s.c().recv());
                AtomicBoolean ran = new AtomicBoolean();
                Chan<Long> done = new Chan<>();
                Timer.afterFunc(Duration.ofMillis(10), () -> {
                    ran.set(Gort.goroutineId() != 0); // runs in a goroutine of its own
                    done.send(1L);
                });
                done.recv();
                assertTrue(ran.get());
                return null;
            });
        }
    }

    @Test
    void tickerTicksAndStops() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int ticks = rt.run(() -> {
                Ticker tk = new Ticker(Duration.ofMillis(10));
                int n = 0;
                long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end) {
                    var r = Select.recv(tk.c());
                    if (Select.select(r, Select.recv(Gort.after(Duration.ofMillis(100)))) == 0) n++;
                }
                tk.stop();
                Gort.sleep(Duration.ofMillis(30));
                tk.c().tryRecv(); // at most one tick left in the buffer
                Gort.sleep(Duration.ofMillis(50));
                assertNull(tk.c().tryRecv(), "no ticks after stop");
                return n;
            });
            assertTrue(ticks >= 15 && ticks <= 32, "about 30 ticks in 300 ms, got " + ticks);
            assertThrows(IllegalArgumentException.class, () -> new Ticker(Duration.ZERO));
        }
    }

    @Test
    void selectWithATimeout() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int chosen = rt.run(() -> {
                Chan<Integer> never = new Chan<>();
                long t0 = System.nanoTime();
                int k = Select.select(Select.recv(never), Select.recv(Gort.after(Duration.ofMillis(50))));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 49 && ms < 2_000, "timeout after " + ms + " ms");
                return k;
            });
            assertEquals(1, chosen);
        }
    }

    @Test
    void timersMoveWithTheirPWhenGomaxprocsShrinks() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(4).build()) {
            int fired = rt.run(() -> {
                AtomicInteger n = new AtomicInteger();
                WaitGroup wg = new WaitGroup();
                wg.add(200);
                for (int i = 0; i < 200; i++) {
                    Gort.go(() -> { // sleepers spread over the 4 Ps' timer heaps
                        Gort.sleep(Duration.ofMillis(100));
                        n.incrementAndGet();
                        wg.done();
                    });
                }
                Gort.sleep(Duration.ofMillis(20));
                Gort.gomaxprocs(1); // P1..P3 are destroyed: their timers go to P0
                wg.await();
                return n.get();
            });
            assertEquals(200, fired);
        }
    }

    @Test
    void timersFireWhileLoopsThatNeverCheckHoldEveryP() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            long ms = rt.run(() -> {
                for (int i = 0; i < 2; i++) {
                    Gort.go(() -> {
                        long x = 1;
                        while (!stop.get()) {
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                        }
                        if (x == 3) System.out.print("");
                    });
                }
                long t0 = System.nanoTime();
                Gort.sleep(Duration.ofMillis(30)); // its timer sits on a P held by a hog
                return (System.nanoTime() - t0) / 1_000_000;
            });
            stop.set(true);
            assertTrue(ms < 2_000, "the timer waited " + ms + " ms behind goroutines that never yield");
        }
    }

    @Test
    void goroutinesBlockedForeverBesideASleeperAreADeadlockOnceItWakes() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(2).panicOutput(new PrintStream(new ByteArrayOutputStream())).build();
        long t0 = System.nanoTime();
        DeadlockException e = assertThrows(DeadlockException.class, () -> rt.run(() -> {
            Chan<Integer> c = new Chan<>();
            Gort.go(() -> Gort.sleep(Duration.ofMillis(200))); // a pending timer: not dead yet
            c.recv();
            return null;
        }));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 190, "reported while a timer was pending (" + ms + " ms)");
        assertTrue(e.getMessage().contains("[chan receive"), e.getMessage());
        rt.close();
    }
}
