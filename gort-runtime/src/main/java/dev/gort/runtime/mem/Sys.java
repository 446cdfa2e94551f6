package dev.gort.runtime.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The OS memory calls: libc {@code mmap}, {@code munmap} and {@code madvise} through FFM
 * downcalls, with errno captured. Go: mem_linux.go (sysReserve, sysMap, sysUnused, sysFree).
 *
 * <p>Linux only (x86_64 and aarch64 share the constants below: asm-generic/mman-common.h and
 * mman.h). Needs native access for gort's module ({@code --enable-native-access=ALL-UNNAMED} on
 * the class path); {@link #check()} says so clearly when it is missing, before any downcall is
 * linked.
 */
public final class Sys {
    private Sys() {}

    static final int PROT_READ = 0x1, PROT_WRITE = 0x2;
    static final int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    /** Go: sysUnused with debug.madvdontneed=1 (the default since Go 1.16). */
    static final int MADV_DONTNEED = 4;
    static final long MAP_FAILED = -1L;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** Linked on first use (after {@link #check()}), so that a JVM without native access gets our message. */
    @SuppressWarnings("restricted") // native access is checked by check() before first use
    private static final class Calls {
        static final MethodHandle MMAP, MUNMAP, MADVISE;

        static {
            Linker linker = Linker.nativeLinker();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            MMAP = linker.downcallHandle(find(linker, "mmap"),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    errno);
            MUNMAP = linker.downcallHandle(find(linker, "munmap"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), errno);
            MADVISE = linker.downcallHandle(find(linker, "madvise"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT), errno);
        }

        private static MemorySegment find(Linker linker, String name) {
            return linker.defaultLookup().find(name)
                    .orElseThrow(() -> new UnsupportedOperationException("gort mem: no " + name + " in the C library"));
        }
    }

    /**
     * Throws a clear exception if this JVM cannot make gort's native calls: not Linux, or native
     * access not enabled for gort's module.
     */
    public static void check() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new UnsupportedOperationException("gort mem: the span heap needs Linux (mmap/madvise); this is " + os);
        }
        Module m = Sys.class.getModule();
        if (!m.isNativeAccessEnabled()) {
            String who = m.isNamed() ? m.getName() : "ALL-UNNAMED";
            throw new IllegalStateException("gort mem: native access is not enabled for " + (m.isNamed() ? "module " + who
                    : "the class path") + "; start the JVM with --enable-native-access=" + who
                    + " (the span heap calls mmap and madvise through the FFM API)");
        }
    }

    /**
     * Maps {@code len} bytes of anonymous private memory, read-write, without reserving swap.
     * Go: sysReserve + sysMap. Returns the address; throws {@link OutOfMemoryError} with errno on failure.
     */
    static long mmap(long len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            long p = (long) Calls.MMAP.invokeExact(st, 0L, len, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (p == MAP_FAILED) {
                int e = (int) ERRNO.get(st, 0L);
                throw new OutOfMemoryError("gort mem: mmap(" + len + " bytes) failed: " + errnoName(e));
            }
            return p;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("gort mem: mmap", t);
        }
    }

    /** Unmaps [addr, addr+len). Go: sysFree. */
    static void munmap(long addr, long len) {
        call(Calls.MUNMAP, "munmap", addr, len, 0, false);
    }

    /**
     * Gives the pages of [addr, addr+len) back to the OS; the mapping stays and the pages read as
     * zero on the next touch. Go: sysUnused (madvise MADV_DONTNEED).
     */
    static void madviseDontneed(long addr, long len) {
        call(Calls.MADVISE, "madvise", addr, len, MADV_DONTNEED, true);
    }

    private static void call(MethodHandle mh, String name, long addr, long len, int advice, boolean madvise) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int rc = madvise ? (int) mh.invokeExact(st, addr, len, advice) : (int) mh.invokeExact(st, addr, len);
            if (rc != 0) {
                int e = (int) ERRNO.get(st, 0L);
                throw new IllegalStateException("gort mem: " + name + "(0x" + Long.toHexString(addr) + ", " + len
                        + (madvise ? ", MADV_DONTNEED" : "") + ") failed: " + errnoName(e));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("gort mem: " + name, t);
        }
    }

    static String errnoName(int e) {
        String n = switch (e) {
            case 1 -> "EPERM";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 22 -> "EINVAL";
            default -> null;
        };
        return n == null ? "errno " + e : n + " (errno " + e + ")";
    }
}
