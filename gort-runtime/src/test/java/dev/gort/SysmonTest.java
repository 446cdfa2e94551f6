package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * sysmon at work, with generous bounds (the real figures come from the scenario benchmarks):
 * preemption, syscall hand-off, undeclared blocking, runaway goroutines.
 */
@Timeout(120)
class SysmonTest {

    /** Counts 1 ms sleeps completed by a goroutine over the given time; returns the count. */
    private static long tickFor(long millis) throws InterruptedException {
        long ticks = 0;
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(1);
            ticks++;
        }
        return ticks;
    }

    @Test
    void sysmonRunsOnItsOwnThreadWithoutAP() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            Thread sysmon = rt.threads().stream().filter(t -> t.getName().equals("gort-sysmon")).findFirst().orElseThrow();
            assertTrue(sysmon.isDaemon());
            assertTrue(sysmon.isAlive());
            rt.run(() -> 1);
            String detail = rt.schedtrace(true);
            // M0 is sysmon's M (newm(sysmon, nil, -1) reserves the first id): never a P
            assertTrue(detail.contains("  M0: p=-1 curg=-1"), detail);
        }
    }

    @Test
    void checkingHogsAreTimeSlicedAndATickerKeepsTicking() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            long ticks = rt.run(() -> {
                AtomicBoolean stop = new AtomicBoolean();
                WaitGroup wg = new WaitGroup();
                wg.add(4);
                for (int i = 0; i < 4; i++) {
                    Gort.go(() -> {
                        long x = 1;
                        while (!stop.get()) {
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                            Gort.checkpoint();
                        }
                        if (x == 7) System.out.print("");
                        wg.done();
                    });
                }
                long n = tickFor(1000);
                stop.set(true);
                wg.await();
                return n;
            });
            // Without preemption the ticker would never run again (4 hogs hold both Ps).
            // About 100-200 expected; any number well above 0 shows the hogs were preempted.
            assertTrue(ticks >= 20, "ticker starved: " + ticks + " ticks in 1 s; " + rt.schedtrace(false));
        }
    }

    @Test
    void tightLoopsThatNeverCheckLoseTheirPs() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            long ticks = rt.run(() -> {
                for (int i = 0; i < 4; i++) {
                    Gort.go(() -> {
                        long x = 1;
                        while (!stop.get()) { // no checkpoint, no call: only a hand-off helps
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                        }
                        if (x == 7) System.out.print("");
                    });
                }
                return tickFor(1000);
            });
            stop.set(true);
            assertTrue(ticks >= 20, "ticker starved: " + ticks + "; " + rt.schedtrace(false));
            assertTrue(rt.schedtrace(false).contains("runawayhandoffs="), rt.schedtrace(false));
        }
    }

    private static Path fifo() throws Exception {
        Path dir = Files.createTempDirectory("gort-fifo");
        Path f = dir.resolve("f");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", f.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e.getMessage());
            return null;
        }
        assumeTrue(p.waitFor() == 0, "mkfifo failed");
        return f;
    }

    /** Every P's goroutine blocks reading a FIFO nobody writes; another goroutine must still run. */
    private void blockEveryP(boolean declared) throws Exception {
        Path f = fifo();
        int procs = 2;
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(procs).build()) {
            CountDownLatch readersIn = new CountDownLatch(procs);
            AtomicLong got = new AtomicLong();
            long ticks = rt.run(() -> {
                WaitGroup readers = new WaitGroup();
                readers.add(procs);
                for (int i = 0; i < procs; i++) {
                    Gort.go(() -> {
                        readersIn.countDown();
                        try {
                            int b;
                            if (declared) {
                                b = Gort.syscall(() -> {
                                    try (FileInputStream in = new FileInputStream(f.toFile())) {
                                        return in.read();
                                    }
                                });
                            } else {
                                try (FileInputStream in = new FileInputStream(f.toFile())) {
                                    b = in.read();
                                }
                            }
                            got.addAndGet(b);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                        readers.done();
                    });
                }
                readersIn.await();
                Thread.sleep(50); // let both readers block in the kernel
                long n = tickFor(500);
                // release the readers: open the write side and write one byte per reader
                try (FileOutputStream out = new FileOutputStream(f.toFile())) {
                    out.write(new byte[]{1, 1});
                }
                readers.await();
                return n;
            });
            String trace = rt.schedtrace(false);
            assertTrue(ticks >= 20, "other goroutines starved while every P's goroutine blocked: " + ticks + "; " + trace);
            if (declared) {
                assertFalse(trace.contains("syscallretakes=0 "), "sysmon retook the Ps in syscalls: " + trace);
            } else {
                assertFalse(trace.contains("blockedhandoffs=0 "), "sysmon handed off the blocked carriers' Ps: " + trace);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void declaredSyscallsHandTheirPsOff() throws Exception {
        blockEveryP(true);
    }

    @Test
    void undeclaredBlockingReadsHandTheirPsOff() throws Exception {
        blockEveryP(false);
    }

    @Test
    void syscallReturnsTheCallsResultAndRunsOutsideGoroutines() throws Exception {
        assertEquals(5, (int) Gort.syscall(() -> 5));
        try (SyscallScope s = Gort.enterSyscall()) {
            assertNotNull(s);
        }
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build()) {
            int r = rt.run(() -> {
                int sum = 0;
                for (int i = 0; i < 1000; i++) {
                    sum += Gort.syscall(() -> 1);
                    try (SyscallScope s = Gort.enterSyscall()) {
                        sum++;
                    }
                }
                return sum;
            });
            assertEquals(2000, r);
            IOException io = assertThrows(IOException.class, () -> rt.run(() -> Gort.syscall(() -> {
                throw new IOException("EIO");
            })));
            assertEquals("EIO", io.getMessage());
        }
    }

    // ---- checkdead: modelled on Go's crash tests (TestSimpleDeadlock, TestInitDeadlock, ...) ----

    private static GortRuntime quiet(ByteArrayOutputStream buf) {
        return GortRuntime.builder().gomaxprocs(2).panicOutput(new PrintStream(buf, true, StandardCharsets.UTF_8)).build();
    }

    @Test
    void simpleDeadlock() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        GortRuntime rt = quiet(buf);
        DeadlockException e = assertThrows(DeadlockException.class, () -> rt.run(() -> {
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            wg.await(); // nobody will ever call done
            return null;
        }));
        assertTrue(e.getMessage().startsWith("all goroutines are asleep - deadlock!\n\ngoroutine 1 [sync.WaitGroup.Wait"), e.getMessage());
        assertTrue(e.getMessage().contains("at dev.gort.WaitGroup.await"), "the stack: " + e.getMessage());
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("fatal error: all goroutines are asleep - deadlock!"));
        assertTrue(rt.awaitTermination(Duration.ofSeconds(10)));
    }

    @Test
    void waitGroupNobodySignalsWithSeveralGoroutines() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        GortRuntime rt = quiet(buf);
        DeadlockException e = assertThrows(DeadlockException.class, () -> rt.run(() -> {
            WaitGroup never = new WaitGroup();
            never.add(1);
            WaitGroup all = new WaitGroup();
            all.add(3);
            for (int i = 0; i < 3; i++) {
                Gort.go(() -> {
                    try {
                        never.await();
                    } catch (InterruptedException ex) {
                        return;
                    }
                    all.done();
                });
            }
            all.await();
            return null;
        }));
        String m = e.getMessage();
        assertTrue(m.startsWith("all goroutines are asleep - deadlock!"));
        for (int id = 1; id <= 4; id++) {
            assertTrue(m.contains("goroutine " + id + " [sync.WaitGroup.Wait"), "goroutine " + id + " in the dump: " + m);
        }
        rt.close();
    }

    @Test
    void goroutineWaitingOnItself() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        GortRuntime rt = quiet(buf);
        assertThrows(DeadlockException.class, () -> rt.run(() -> {
            WaitGroup self = new WaitGroup();
            self.add(1);
            self.await(); // would call done afterwards: waits on itself
            self.done();
            return null;
        }));
        rt.close();
    }

    @Test
    void noFalseDeadlockWhenAnOutsideThreadWillUnpark() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            Thread[] main = new Thread[1];
            CountDownLatch parked = new CountDownLatch(1);
            Thread outside = Thread.ofPlatform().start(() -> {
                try {
                    parked.await();
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                LockSupport.unpark(main[0]);
            });
            String r = rt.run(() -> {
                main[0] = Thread.currentThread();
                parked.countDown();
                LockSupport.park(); // JDK primitive: a thread outside gort may wake it
                return "woken";
            });
            assertEquals("woken", r);
            outside.join();
        }
    }

    @Test
    void noFalseDeadlockWhenAnOutsideThreadUsesTheWaitGroup() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            WaitGroup wg = new WaitGroup();
            wg.add(1); // from outside: this WaitGroup may be released from outside
            Thread outside = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                wg.done();
            });
            assertEquals(1, (int) rt.run(() -> {
                wg.await();
                return 1;
            }));
            outside.join();
        }
    }

    @Test
    void noFalseDeadlockWhileGoroutinesSleep() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            assertEquals(3, (int) rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                wg.add(3);
                for (int i = 0; i < 3; i++) {
                    Gort.go(() -> {
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            throw new RuntimeException(e);
                        }
                        wg.done();
                    });
                }
                wg.await(); // every goroutine asleep, but a timer will wake them
                return 3;
            }));
        }
    }

    // ---- schedtrace and settings ----

    @Test
    void schedtracePrintsGosSchedLines() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).schedtrace(50, false).traceOutput(out).build()) {
            rt.run(() -> {
                Thread.sleep(300);
                return null;
            });
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines.length >= 3, "expected a line every 50 ms: " + lines.length);
        assertTrue(lines[0].startsWith("SCHED 0ms: "), lines[0]);
        for (String l : lines) {
            assertTrue(l.matches("SCHED \\d+ms: gomaxprocs=2 idleprocs=\\d+ threads=\\d+ spinningthreads=\\d+ "
                    + "idlethreads=\\d+ runqueue=\\d+ \\[\\d+ \\d+\\] gort: .*"), l);
        }
    }

    @Test
    void scheddetailPrintsPMAndGLines() throws Exception {
        System.setProperty("gort.debug", "schedtrace=40,scheddetail=1");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).traceOutput(new PrintStream(buf, true, StandardCharsets.UTF_8)).build()) {
            rt.run(() -> {
                Thread.sleep(200);
                return null;
            });
        } finally {
            System.clearProperty("gort.debug");
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains(" gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0"), s);
        assertTrue(s.matches("(?s).*\n  P0: status=\\d schedtick=\\d+ syscalltick=\\d+ m=-?\\d+ runqsize=\\d+ gfreecnt=0 timerslen=0\n.*"), s);
        assertTrue(s.matches("(?s).*\n  M\\d+: p=-?\\d+ curg=-?\\d+ mallocing=0 throwing=0 preemptoff= locks=\\d+ dying=0 spinning=(true|false) blocked=(true|false) lockedg=-1\n.*"), s);
        assertTrue(s.matches("(?s).*\n  G1: status=\\d+\\([^)]*\\) m=-?\\d+ lockedm=-1\n.*"), s);
    }

    @Test
    void badSettingsAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> GortRuntime.builder().forcePreempt(Duration.ZERO).build());
        assertTrue(e.getMessage().contains("forcePreemptNS must be between"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GortRuntime.builder()
                .sysmonDelays(Duration.ofMillis(5), Duration.ofMillis(1), 50).build());
        assertTrue(e.getMessage().contains("sysmon max delay"), e.getMessage());
        System.setProperty("gort.forcepreempt", "soon");
        try {
            e = assertThrows(IllegalArgumentException.class, () -> GortRuntime.builder().build());
            assertTrue(e.getMessage().contains("-Dgort.forcepreempt must be a duration"), e.getMessage());
        } finally {
            System.clearProperty("gort.forcepreempt");
        }
        System.setProperty("gort.debug", "schedtrace=often");
        try {
            e = assertThrows(IllegalArgumentException.class, () -> GortRuntime.builder().build());
            assertTrue(e.getMessage().contains("schedtrace must be an integer"), e.getMessage());
        } finally {
            System.clearProperty("gort.debug");
        }
        System.setProperty("gort.sysmon.maxdelay", "5ms");
        try (GortRuntime rt = GortRuntime.builder().build()) {
            assertNotNull(rt); // a valid property is accepted
        } finally {
            System.clearProperty("gort.sysmon.maxdelay");
        }
    }
}
