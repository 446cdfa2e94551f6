package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** sysmon's runaway report: a goroutine that ignores preemption is named once, with its stack. */
@Timeout(120)
class RunawayReportTest {

    static final AtomicBoolean stop = new AtomicBoolean();

    /** A loop with no checkpoint and no call that could unmount: only the report can find it. */
    static long spinWithoutCheckpoints() {
        long x = 1;
        while (!stop.get()) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    @Test
    void aGoroutineIgnoringPreemptionIsReportedOnceWithItsStack() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        stop.set(false);
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).runawayReport(Duration.ofMillis(50))
                .traceOutput(out).build()) {
            long[] hog = new long[1];
            rt.run(() -> {
                hog[0] = Gort.go(() -> {
                    if (spinWithoutCheckpoints() == 42) System.out.print("");
                });
                // A well-behaved goroutine beside it: sleeping and waking is not a runaway.
                for (int i = 0; i < 50; i++) Gort.sleep(Duration.ofMillis(10));
                return null;
            });
            // Long past the threshold (generous bounds: at least 500 ms of running).
            String s = buf.toString(StandardCharsets.UTF_8);
            stop.set(true);
            Matcher m = Pattern.compile("gort: goroutine (\\d+) has ignored preemption for (\\d+) ms \\(running (\\d+) ms")
                    .matcher(s);
            assertTrue(m.find(), "no report in: " + s);
            assertEquals(hog[0], Long.parseLong(m.group(1)), s);
            assertTrue(Long.parseLong(m.group(2)) >= 50, s);
            assertTrue(Long.parseLong(m.group(3)) >= Long.parseLong(m.group(2)), "ran at least as long as it ignored: " + s);
            assertFalse(m.find(), "reported twice: " + s);
            assertTrue(s.contains("spinWithoutCheckpoints(RunawayReportTest.java"), "stack names the loop: " + s);
            assertTrue(rt.schedtrace(false).contains(" runaways=1"), rt.schedtrace(false));
        } finally {
            stop.set(true);
        }
    }

    @Test
    void checkpointsInTheLoopMeanNoReport() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicBoolean done = new AtomicBoolean();
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).runawayReport(Duration.ofMillis(20))
                .traceOutput(new PrintStream(buf, true, StandardCharsets.UTF_8)).build()) {
            rt.run(() -> {
                Gort.go(() -> {
                    long x = 1;
                    while (!done.get()) {
                        x ^= x << 13;
                        x ^= x >>> 7;
                        x ^= x << 17;
                        Gort.checkpoint();
                    }
                    if (x == 42) System.out.print("");
                });
                for (int i = 0; i < 30; i++) Gort.sleep(Duration.ofMillis(10));
                done.set(true);
                return null;
            });
            assertFalse(buf.toString(StandardCharsets.UTF_8).contains("ignored preemption"), buf.toString(StandardCharsets.UTF_8));
            assertTrue(rt.schedtrace(false).contains(" runaways=0"), rt.schedtrace(false));
        }
    }

    @Test
    void badThresholdIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> GortRuntime.builder().runawayReport(Duration.ofNanos(5)).build());
        assertTrue(e.getMessage().contains("runaway report threshold"), e.getMessage());
    }
}
