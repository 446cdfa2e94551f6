package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** The public API: run, go, gosched, numGoroutine, GOMAXPROCS, several runtimes in one JVM. */
@Timeout(60)
class GortTest {

    @Test
    void runReturnsMainsResult() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            assertEquals(42, rt.run(() -> 42));
            assertEquals("x", rt.run(() -> "x"));
        }
    }

    @Test
    void runThrowsWhatMainThrewUnchanged() {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build()) {
            IOException io = new IOException("disk");
            IOException thrown = assertThrows(IOException.class, () -> rt.run(() -> {
                throw io;
            }));
            assertSame(io, thrown);
            IllegalStateException ise = new IllegalStateException("boom");
            assertSame(ise, assertThrows(IllegalStateException.class, () -> rt.run((Runnable) () -> {
                throw ise;
            })));
            // the runtime is still usable: main's exception is the run's result, not a panic
            assertDoesNotThrow(() -> rt.run(() -> 1));
        }
    }

    @Test
    void mainGoroutineIsGoroutineOneAndGoReturnsIds() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            long[] ids = rt.run(() -> {
                long me = Gort.goroutineId();
                WaitGroup wg = new WaitGroup();
                wg.add(1);
                AtomicLong childSeen = new AtomicLong();
                long child = Gort.go(() -> {
                    childSeen.set(Gort.goroutineId());
                    wg.done();
                });
                wg.await();
                return new long[]{me, child, childSeen.get()};
            });
            assertEquals(1, ids[0]);
            assertEquals(ids[1], ids[2]);
            assertTrue(ids[1] > 1);
            assertEquals(0, Gort.goroutineId(), "outside goroutines");
        }
    }

    @Test
    void numGoroutineCountsLiveGoroutines() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int[] counts = rt.run(() -> {
                WaitGroup started = new WaitGroup();
                WaitGroup release = new WaitGroup();
                WaitGroup ended = new WaitGroup();
                release.add(1);
                started.add(10);
                ended.add(10);
                for (int i = 0; i < 10; i++) {
                    Gort.go(() -> {
                        started.done();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            throw new RuntimeException(e);
                        }
                        ended.done();
                    });
                }
                started.await();
                int during = Gort.numGoroutine();
                release.done();
                ended.await();
                // goroutines count until their virtual thread has ended
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (Gort.numGoroutine() > 1 && System.nanoTime() < deadline) Gort.gosched();
                return new int[]{during, Gort.numGoroutine()};
            });
            assertEquals(11, counts[0]);
            assertEquals(1, counts[1]);
        }
    }

    @Test
    void staticApiUsesTheCallingGoroutinesRuntime() throws Exception {
        try (GortRuntime a = GortRuntime.builder().name("a").gomaxprocs(1).build();
             GortRuntime b = GortRuntime.builder().name("b").gomaxprocs(3).build()) {
            assertEquals(1, (int) a.run(() -> Gort.gomaxprocs()));
            assertEquals(3, (int) b.run(() -> Gort.gomaxprocs()));
            // a goroutine of a started with Gort.go runs in a as well
            int inner = a.run(() -> {
                WaitGroup wg = new WaitGroup();
                wg.add(1);
                AtomicInteger p = new AtomicInteger();
                Gort.go(() -> {
                    p.set(Gort.gomaxprocs());
                    wg.done();
                });
                wg.await();
                return p.get();
            });
            assertEquals(1, inner);
            // a run of b from inside a goroutine of a: parks a's goroutine, runs b's main
            int cross = a.run(() -> b.run(() -> Gort.gomaxprocs()));
            assertEquals(3, cross);
        }
    }

    @Test
    void defaultRuntimeRunsStaticRun() throws Exception {
        assertEquals(7, (int) Gort.run(() -> 3 + 4));
        AtomicInteger hits = new AtomicInteger();
        Gort.run(() -> {
            WaitGroup wg = new WaitGroup();
            wg.add(100);
            for (int i = 0; i < 100; i++) {
                Gort.go(() -> {
                    hits.incrementAndGet();
                    wg.done();
                });
            }
            try {
                wg.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(100, hits.get());
        assertSame(Gort.defaultRuntime(), Gort.defaultRuntime());
    }

    @Test
    void goschedLetsOtherGoroutinesRunAtGomaxprocsOne() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build()) {
            // Two goroutines alternate strictly through gosched alone: each gosched puts the
            // caller on the global queue, behind the other one.
            String trace = rt.run(() -> {
                StringBuffer sb = new StringBuffer();
                WaitGroup wg = new WaitGroup();
                wg.add(2);
                for (String name : new String[]{"a", "b"}) {
                    Gort.go(() -> {
                        for (int i = 0; i < 5; i++) {
                            sb.append(name);
                            Gort.gosched();
                        }
                        wg.done();
                    });
                }
                wg.await();
                return sb.toString();
            });
            assertEquals(10, trace.length());
            assertFalse(trace.contains("aaa") || trace.contains("bbb"), "no alternation: " + trace);
            assertTrue(rt.goschedCount() >= 10);
        }
    }

    @Test
    void waitGroupMisuseIsAClearError() throws Exception {
        WaitGroup wg = new WaitGroup();
        var e = assertThrows(IllegalStateException.class, wg::done);
        assertEquals("sync: negative WaitGroup counter", e.getMessage());
        assertEquals(0, wg.count(), "counter left as it was");
        wg.add(2);
        assertThrows(IllegalStateException.class, () -> wg.add(-3));
        assertEquals(2, wg.count());
        wg.add(-2);
        wg.await(); // zero: returns at once
        // reusable after reaching zero, on a platform thread too
        wg.add(1);
        Thread t = Thread.ofPlatform().start(wg::done);
        wg.await();
        t.join();
    }
}
