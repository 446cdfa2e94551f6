package dev.gort.net;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The process's RLIMIT_NOFILE (open file descriptors) through getrlimit/setrlimit, by the FFM
 * API. Linux on a 64-bit ABI: struct rlimit is {rlim_t rlim_cur; rlim_t rlim_max} with a 64-bit
 * rlim_t, RLIMIT_NOFILE is 7 (asm-generic/resource.h; x86_64 and aarch64 alike).
 */
final class Rlimit {
    private Rlimit() {}

    static final int RLIMIT_NOFILE = 7;

    private static final StructLayout RLIMIT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("rlim_cur"), ValueLayout.JAVA_LONG.withName("rlim_max"));
    private static final VarHandle CUR = RLIMIT.varHandle(MemoryLayout.PathElement.groupElement("rlim_cur"));
    private static final VarHandle MAX = RLIMIT.varHandle(MemoryLayout.PathElement.groupElement("rlim_max"));
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle GETRLIMIT, SETRLIMIT;

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
        Linker.Option errno = Linker.Option.captureCallState("errno");
        GETRLIMIT = linker.downcallHandle(find(linker, "getrlimit"), fd, errno);
        SETRLIMIT = linker.downcallHandle(find(linker, "setrlimit"), fd, errno);
    }

    private static MemorySegment find(Linker linker, String name) {
        return linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("no " + name + " in the C library"));
    }

    /** Whether this platform's struct rlimit is the one laid out here. */
    static boolean supported() {
        String os = System.getProperty("os.name", "").toLowerCase();
        String arch = System.getProperty("os.arch", "");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    /** {soft, hard}; RLIM_INFINITY reads as -1. */
    private static long[] get() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = arena.allocate(RLIMIT);
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) GETRLIMIT.invokeExact(state, RLIMIT_NOFILE, r);
            if (rc != 0) throw new IllegalStateException("getrlimit(RLIMIT_NOFILE) failed: errno " + (int) ERRNO.get(state, 0L));
            return new long[] {(long) CUR.get(r, 0L), (long) MAX.get(r, 0L)};
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("getrlimit(RLIMIT_NOFILE)", t);
        }
    }

    /** The soft limit on open descriptors (what EMFILE is measured against); -1 for unlimited. */
    static long soft() {
        return get()[0];
    }

    /** The hard limit (the most the soft limit may be raised to without privilege); -1 for unlimited. */
    static long hard() {
        return get()[1];
    }

    /**
     * Sets the soft limit, keeping the hard one. Throws IllegalArgumentException for a value
     * above the hard limit and IllegalStateException (with errno) if setrlimit refuses.
     */
    static void setSoft(long soft) {
        long[] now = get();
        long hard = now[1];
        if (soft < 0 || (hard >= 0 && Long.compareUnsigned(soft, hard) > 0)) {
            throw new IllegalArgumentException("RLIMIT_NOFILE soft limit " + soft + " is outside [0, hard limit " + hard + "]");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = arena.allocate(RLIMIT);
            CUR.set(r, 0L, soft);
            MAX.set(r, 0L, hard);
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) SETRLIMIT.invokeExact(state, RLIMIT_NOFILE, r);
            if (rc != 0) {
                int e = (int) ERRNO.get(state, 0L);
                throw new IllegalStateException("setrlimit(RLIMIT_NOFILE, soft " + soft + ", hard " + hard + ") failed: errno " + e
                        + (e == 1 ? " (EPERM)" : e == 22 ? " (EINVAL)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setrlimit(RLIMIT_NOFILE, " + soft + ")", t);
        }
        long got = soft();
        if (got != soft) throw new IllegalStateException("setrlimit(RLIMIT_NOFILE, " + soft + ") took no effect: soft limit is " + got);
    }
}
