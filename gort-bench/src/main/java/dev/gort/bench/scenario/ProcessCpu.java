package dev.gort.bench.scenario;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The process's CPU time (every thread, including exited ones) in ns, from libc's
 * {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} through the FFM API: nanosecond resolution.
 * {@code com.sun.management.OperatingSystemMXBean.getProcessCpuTime()} reads {@code times(2)}
 * on Linux and so moves in steps of one clock tick (10 ms), too coarse for a 1 ms budget.
 */
final class ProcessCpu {
    private ProcessCpu() {}

    private static final int CLOCK_PROCESS_CPUTIME_ID = 2; // Linux <time.h>
    private static final MethodHandle CLOCK_GETTIME;

    static {
        Linker linker = Linker.nativeLinker();
        CLOCK_GETTIME = linker.downcallHandle(
                linker.defaultLookup().find("clock_gettime").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    /** CPU time of this process, ns. */
    static long nanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8); // struct timespec { long tv_sec; long tv_nsec; }
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, ts);
            if (rc != 0) throw new IllegalStateException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) returned " + rc);
            return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
