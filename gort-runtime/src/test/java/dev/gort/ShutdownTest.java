package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Shutdown ends every M the runtime started and drops no goroutine. */
@Timeout(60)
class ShutdownTest {

    private static void assertAllDead(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(5000);
            assertFalse(t.isAlive(), "thread left behind: " + t.getName());
        }
    }

    @Test
    void closeEndsEveryThread() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(4).build();
        rt.run(() -> {
            WaitGroup wg = new WaitGroup();
            wg.add(1000);
            for (int i = 0; i < 1000; i++) Gort.go(wg::done);
            wg.await();
            return null;
        });
        List<Thread> ms = rt.threads();
        assertFalse(ms.isEmpty());
        for (Thread t : ms) assertTrue(t.getName().startsWith("gort-m") || t.getName().equals("gort-sysmon"), t.getName());
        assertEquals(1, ms.stream().filter(t -> t.getName().equals("gort-sysmon")).count(), "one sysmon");
        rt.close();
        assertTrue(rt.isTerminated());
        assertAllDead(ms);
        assertTrue(rt.threads().isEmpty());
        long leftovers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> ms.contains(t)).count();
        assertEquals(0, leftovers);
    }

    @Test
    void goAfterShutdownIsAClearErrorAndTheRuntimeStaysSound() throws Exception {
        GortRuntime rt = GortRuntime.builder().name("shut").gomaxprocs(2).build();
        rt.run(() -> 1);
        rt.shutdown();
        var e = assertThrows(IllegalStateException.class, () -> rt.go(() -> { }));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> rt.run(() -> 1));
        assertThrows(IllegalStateException.class, () -> rt.gomaxprocs(3));
        assertTrue(rt.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(0, rt.numGoroutine());
    }

    @Test
    void shutdownWaitsForRunningGoroutinesToFinish() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        rt.go(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                return;
            }
            finished.set(true);
        });
        started.await();
        List<Thread> ms = rt.threads();
        rt.shutdown();
        assertFalse(rt.awaitTermination(Duration.ofMillis(100)), "a goroutine is still running");
        release.countDown(); // it may finish its work: nothing is dropped
        assertTrue(rt.awaitTermination(Duration.ofSeconds(10)));
        assertTrue(finished.get());
        assertAllDead(ms);
    }

    @Test
    void shutdownNowInterruptsBlockedGoroutines() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build();
        AtomicInteger interrupted = new AtomicInteger();
        WaitGroup never = new WaitGroup();
        never.add(1);
        CountDownLatch parked = new CountDownLatch(3);
        rt.go(() -> {
            parked.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        rt.go(() -> {
            parked.countDown();
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        Object mon = new Object();
        rt.go(() -> {
            synchronized (mon) {
                parked.countDown();
                try {
                    mon.wait();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
            }
        });
        parked.await();
        Thread.sleep(50);
        List<Thread> ms = rt.threads();
        rt.close();
        assertEquals(3, interrupted.get());
        assertAllDead(ms);
    }

    @Test
    void aGoroutineThatIgnoresInterruptsKeepsTheRuntimeAlive() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        rt.go(() -> {
            started.countDown();
            while (!stop.get()) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException ignored) {
                    // keeps going
                }
            }
        });
        started.await();
        rt.shutdownNow();
        assertFalse(rt.awaitTermination(Duration.ofMillis(200)), "not terminated while a goroutine lives");
        assertEquals(1, rt.numGoroutine());
        stop.set(true);
        assertTrue(rt.awaitTermination(Duration.ofSeconds(10)));
    }
}
