package dev.gort.runtime;

import dev.gort.GortRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** sysmon's forced collection (Go: forcegc / forcegchelper), with synthetic time and counts. */
@Timeout(60)
class ForceGCTest {
    static final long S = 1_000_000_000L, PERIOD = 120 * S;

    @Test
    void firesAfterThePeriodWithoutACollectionAndNotBefore() throws Exception {
        Sched s = TestSupport.newSched(2);
        try {
            AtomicLong count = new AtomicLong();
            Semaphore ran = new Semaphore(0);
            ForceGC fg = new ForceGC(s, PERIOD, count::get, ran::release, System.err);

            long now = 5 * S;
            assertFalse(fg.check(now), "no collection yet: nothing to force");
            now += 10 * PERIOD;
            assertFalse(fg.check(now), "Go forces nothing before the first collection, however long");

            count.set(3); // the JVM collected
            now += S;
            assertFalse(fg.check(now));
            long lastgc = now;
            for (now = lastgc + S; now <= lastgc + PERIOD; now += S) {
                assertFalse(fg.check(now), "fired " + (now - lastgc) / S + " s after the last collection, before the period");
            }
            assertTrue(fg.check(now), "the period has passed with no collection");
            assertTrue(ran.tryAcquire(10, TimeUnit.SECONDS), "the helper ran the action");
            awaitIdle(fg);
            assertEquals(1, fg.nforced);

            // The next request comes a whole period after this one, not at the next check.
            long forced = now;
            for (now = forced + S; now <= forced + PERIOD; now += S) assertFalse(fg.check(now));
            assertTrue(fg.check(now));
            assertTrue(ran.tryAcquire(10, TimeUnit.SECONDS), "the same helper, woken again");
            awaitIdle(fg);
            assertEquals(2, fg.nforced);

            // A collection the JVM ran by itself restarts the period.
            count.set(4);
            now += S;
            assertFalse(fg.check(now));
            long collected = now;
            now = collected + PERIOD / 2;
            assertFalse(fg.check(now));
            now = collected + PERIOD + S;
            assertTrue(fg.check(now));
            assertTrue(ran.tryAcquire(10, TimeUnit.SECONDS));
            assertEquals(0, s.numGoroutine(), "the helper is a system goroutine: not counted");
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
    }

    /**
     * A runtime that ends takes its system goroutines with it: the parked helper is woken, returns,
     * and its virtual thread terminates before the runtime does (it used to stay parked for good).
     */
    @Test
    void theHelperEndsWithItsRuntime() throws Exception {
        Sched s = TestSupport.newSched(1);
        AtomicLong count = new AtomicLong(1);
        Semaphore ran = new Semaphore(0);
        ForceGC fg = new ForceGC(s, PERIOD, count::get, ran::release, System.err);
        Thread helper;
        try {
            long now = S;
            assertFalse(fg.check(now)); // the first reading: a collection has happened
            assertTrue(fg.check(now + PERIOD + S));
            assertTrue(ran.tryAcquire(10, TimeUnit.SECONDS), "the helper ran the action");
            awaitIdle(fg);
            helper = fg.helperThread();
            assertNotNull(helper);
            assertTrue(helper.isAlive(), "parked, waiting for the next request");
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
        helper.join(5_000);
        assertFalse(helper.isAlive(), "the forcegc helper outlived its runtime");
        assertEquals(0, s.nsystem.get());
    }

    /** The action has run; the helper marks itself idle just after. */
    static void awaitIdle(ForceGC fg) throws InterruptedException {
        long deadline = System.nanoTime() + 10 * S;
        while (!fg.idle() && System.nanoTime() < deadline) Thread.sleep(1);
        assertTrue(fg.idle(), "the helper did not go back to idle");
    }

    @Test
    void aHelperStillBusyIsNotReadiedAgain() throws Exception {
        Sched s = TestSupport.newSched(1);
        try {
            AtomicLong count = new AtomicLong(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger started = new AtomicInteger();
            ForceGC fg = new ForceGC(s, PERIOD, count::get, () -> {
                started.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, System.err);
            long now = S;
            fg.check(now);
            now += PERIOD + S;
            assertTrue(fg.check(now));
            long deadline = System.nanoTime() + 10 * S;
            while (started.get() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
            assertEquals(1, started.get());
            now += PERIOD + S;
            assertFalse(fg.check(now), "Go: forcegc.idle == 0, the helper is still collecting");
            release.countDown();
        } finally {
            TestSupport.shutdownAndAssertNoThreads(s);
        }
    }

    @Test
    void zeroPeriodTurnsItOff() {
        Sched s = TestSupport.newSched(1);
        try {
            AtomicLong count = new AtomicLong(1);
            ForceGC fg = new ForceGC(s, 0, count::get, () -> fail("forced with period 0"), System.err);
            for (long now = S; now < 100 * PERIOD; now += PERIOD) assertFalse(fg.check(now));
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void sysmonForcesACollectionInARunningRuntime() throws Exception {
        AtomicInteger forced = new AtomicInteger();
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        System.gc(); // Go forces nothing before the first collection: make sure there was one
        try (GortRuntime rt = GortRuntime.builder().name("forcegc").gomaxprocs(1)
                .forceGcPeriod(Duration.ofMillis(200))
                .forceGc(forced::incrementAndGet)
                .traceOutput(new PrintStream(trace, true))
                .schedtrace(100, false)
                .build()) {
            long deadline = System.nanoTime() + 20 * S;
            while (forced.get() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(forced.get() >= 2, "sysmon forced " + forced.get() + " collections in 20 s with a 200 ms period");
            assertEquals(0, rt.numGoroutine());
            Thread.sleep(250);
        }
        assertTrue(trace.toString().matches("(?s).*forcegc=[1-9].*"), "schedtrace counts the forced collections:\n" + trace);
    }

    @Test
    void badPeriodIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GortRuntime.builder().forceGcPeriod(Duration.ofNanos(5)).build());
        assertTrue(e.getMessage().contains("forcegc period"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GortRuntime.builder().scavengeLimit(Duration.ofSeconds(-1)).build());
        assertTrue(e.getMessage().contains("scavenge limit"), e.getMessage());
    }

    /**
     * Under -XX:+DisableExplicitGC, System.gc() does nothing: the helper says so once, clearly,
     * on the trace output. Runs in a child JVM with the flag (and a small young generation, so
     * that the first collection, which Go's rule waits for, comes from allocation).
     */
    @Test
    void disableExplicitGcIsReportedOnce() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-XX:+DisableExplicitGC", "-Xmx64m", "-Xmn8m",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DisabledExplicitGcMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, p.exitValue(), out);
        int first = out.indexOf("-XX:+DisableExplicitGC makes System.gc() a no-op");
        assertTrue(first >= 0, "no note about DisableExplicitGC:\n" + out);
        assertEquals(-1, out.indexOf("-XX:+DisableExplicitGC makes System.gc() a no-op", first + 1), "said more than once:\n" + out);
        assertTrue(out.contains("forced=") && !out.contains("forced=0 "), out);
    }

    /** The child of disableExplicitGcIsReportedOnce. */
    public static final class DisabledExplicitGcMain {
        public static void main(String[] args) throws Exception {
            long garbage = 0;
            while (ForceGC.jvmCollections() == 0) garbage += new byte[64 << 10].length; // the first collection
            try (GortRuntime rt = GortRuntime.builder().name("no-explicit-gc").gomaxprocs(1)
                    .forceGcPeriod(Duration.ofMillis(100)).build()) {
                Thread.sleep(1500); // several periods: the helper is readied again and again
                var f = GortRuntime.class.getDeclaredField("sched");
                f.setAccessible(true);
                Sched s = (Sched) f.get(rt);
                System.out.println("forced=" + s.forcegc.nforced + " (garbage " + garbage + ")");
            }
        }
    }
}
