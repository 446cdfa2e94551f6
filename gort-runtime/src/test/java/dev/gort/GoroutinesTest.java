package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** dev.gort.Goroutines: the JDK's virtual-thread factories, making goroutines. */
@Timeout(120)
class GoroutinesTest {

    @Test
    void threadsOfTheBuilderAreGoroutinesOfTheCallersRuntime() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            long[] ids = rt.run(() -> {
                long[] r = new long[2];
                Thread t = Goroutines.ofVirtual().name("worker-", 0).start(() -> r[0] = Gort.goroutineId());
                t.join();
                assertEquals("worker-0", t.getName());
                assertTrue(t.isVirtual());
                r[1] = Gort.goroutineId();
                return r;
            });
            assertTrue(ids[0] > 0, "the thread ran as a goroutine");
            assertNotEquals(ids[1], ids[0]);
        }
    }

    @Test
    void outsideGoroutinesTheDefaultRuntimeRunsThem() throws Exception {
        long[] id = new long[1];
        Thread t = Goroutines.startVirtualThread(() -> id[0] = Gort.goroutineId());
        t.join();
        assertTrue(id[0] > 0, "a goroutine of the default runtime");
    }

    /** Many threads, each parking and being unparked many times: every one ends, none twice. */
    @Test
    void perTaskExecutorRunsEveryTaskAsAGoroutineThroughManyWakeUps() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            int tasks = 2_000;
            ConcurrentHashMap<Long, Boolean> goids = new ConcurrentHashMap<>();
            AtomicInteger done = new AtomicInteger();
            rt.run(() -> {
                try (ExecutorService ex = Goroutines.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int i = 0; i < tasks; i++) {
                        fs.add(ex.submit(() -> {
                            assertNull(goids.put(Gort.goroutineId(), true), "one goroutine per task");
                            for (int k = 0; k < 20; k++) {
                                LockSupport.parkNanos(1_000); // unmounts: the wake-up comes back through the spawner
                                Gort.gosched();
                            }
                            done.incrementAndGet();
                        }));
                    }
                    for (Future<?> f : fs) f.get();
                }
                return null;
            });
            assertEquals(tasks, done.get());
            assertEquals(tasks, goids.size());
            assertTrue(goids.keySet().stream().allMatch(g -> g > 0));
        }
    }

    @Test
    void startingOnAShutDownRuntimeIsRejectedClearly() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build();
        Thread.Builder.OfVirtual b = rt.run(() -> Goroutines.ofVirtual());
        rt.close();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> b.start(() -> { }));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    @Test
    void childrenOfSpawnedThreadsAreGoroutinesToo() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            CountDownLatch latch = new CountDownLatch(1);
            long[] id = new long[1];
            rt.run(() -> {
                Goroutines.startVirtualThread(() -> {
                    Thread child = Thread.ofVirtual().start(() -> {
                        id[0] = Gort.goroutineId();
                        latch.countDown();
                    });
                    try {
                        child.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }).join();
                return null;
            });
            latch.await();
            assertTrue(id[0] > 0);
        }
    }
}
