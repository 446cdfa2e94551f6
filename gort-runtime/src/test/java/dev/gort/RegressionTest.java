package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Bugs found by running the suite under load and by the scenario benchmarks. */
@Timeout(120)
class RegressionTest {

    /**
     * checkdead reported "all goroutines are asleep" for goroutines left blocked after their run
     * returned, and shut the runtime down although nobody waited on it.
     */
    @Test
    void goroutinesLeftBlockedAfterARunDoNotKillTheRuntime() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            for (int i = 0; i < 20; i++) {
                rt.run(() -> {
                    Chan<Integer> c = new Chan<>();
                    for (int k = 0; k < 10; k++) Gort.go(() -> c.send(1)); // blocked forever
                    c.recv();
                    return null;
                });
            }
            Thread.sleep(300);
            assertNull(rt.failure(), "the runtime was failed: " + rt.failure());
            assertEquals(5, (int) rt.run(() -> 5), "still usable");
        }
    }

    /**
     * Taking stack traces makes the JDK resubmit runnable virtual threads; a second queue entry
     * for a queued G cut the intrusive lists and lost goroutines.
     */
    @Test
    void dumpsWhileGoroutinesHandOffLoseNothing() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread dumper = Thread.ofPlatform().start(() -> {
                while (!stop.get()) rt.goroutineDump();
            });
            long total = rt.run(() -> {
                int pairs = 20, rounds = 2_000;
                AtomicLong n = new AtomicLong();
                WaitGroup wg = new WaitGroup();
                wg.add(pairs);
                for (int p = 0; p < pairs; p++) {
                    Chan<Integer> a = new Chan<>(), b = new Chan<>();
                    Gort.go(() -> {
                        for (int i = 0; i < rounds; i++) b.send(a.recv() + 1);
                    });
                    Gort.go(() -> {
                        for (int i = 0; i < rounds; i++) {
                            a.send(i);
                            n.addAndGet(b.recv() - i);
                        }
                        wg.done();
                    });
                }
                wg.await();
                return n.get();
            });
            stop.set(true);
            dumper.join();
            assertEquals(20L * 2_000, total);
        }
    }

    /**
     * Go's TestPingPongHog: at GOMAXPROCS=1 a pair of goroutines ping-ponging with heavy work
     * per turn and a pair with light work must share the CPU (Go: about 50/50). After a
     * preemption the scheduler took the just-preempted G back from the yield list and starved
     * the local queue.
     */
    @Test
    void pingPongHogPairsShareTheProcessor() throws Exception {
        for (boolean heavyFirst : new boolean[]{true, false}) {
            try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build()) {
                double ratio = rt.run(() -> {
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicLong[] work = {new AtomicLong(), new AtomicLong()};
                    for (int k = 0; k < 2; k++) {
                        int pair = heavyFirst ? k : 1 - k;
                        int perTurn = pair == 0 ? 1_000_000 : 10_000; // heavy : light = 100 : 1 per turn
                        Chan<Integer> ping = new Chan<>(), pong = new Chan<>();
                        for (int s = 0; s < 2; s++) {
                            Chan<Integer> in = s == 0 ? ping : pong, out = s == 0 ? pong : ping;
                            boolean starter = s == 0;
                            Gort.go(() -> { // left blocked when the run ends; close() unwinds it
                                if (starter) out.send(0);
                                while (!stop.get()) {
                                    in.recv();
                                    long x = 1;
                                    for (int i = 0; i < perTurn; i++) {
                                        x ^= x << 13;
                                        x ^= x >>> 7;
                                        x ^= x << 17;
                                        if ((i & 1023) == 0) Gort.checkpoint();
                                    }
                                    if (x == 0) System.out.print("");
                                    work[pair].addAndGet(perTurn);
                                    out.send(1);
                                }
                            });
                        }
                    }
                    Gort.sleep(Duration.ofMillis(1500));
                    stop.set(true);
                    return (double) work[0].get() / Math.max(1, work[1].get());
                });
                assertTrue(ratio > 0.2 && ratio < 5, "heavy:light CPU share " + ratio + " (heavy first: " + heavyFirst + ")");
            }
        }
    }

    /**
     * entersyscall published _Psyscall before unwiring the P; sysmon could retake it and hand it
     * to a new M while it still named the old one, whose acquirep then failed and killed the M.
     */
    @Test
    void syscallsRacingWithSysmonRetakesKeepEveryMAlive() throws Exception {
        for (int iter = 0; iter < 40; iter++) {
            try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build()) {
                int sum = rt.run(() -> {
                    int n = 0;
                    for (int i = 0; i < 1000; i++) {
                        n += Gort.syscall(() -> 1);
                        try (SyscallScope sc = Gort.enterSyscall()) {
                            n++;
                        }
                    }
                    return n;
                });
                assertEquals(2000, sum);
                assertNull(rt.failure(), "an M died: " + rt.failure());
            }
        }
    }
}
