package dev.gort.runtime;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Per-thread OS set-up of an M. Go: minit (os_linux.go), which sets up the new thread's signal
 * state; gort has no signals, but sets the thread's timer slack.
 *
 * <p>Linux lets a timed wait overrun by the thread's timer slack, 50 us by default, so that
 * wake-ups can be batched. gort's timers and sysmon sleep on their Ms, and every wake-up then
 * comes about 50 us late (measured here: a 1 ms park lasted 1.085 ms at p50 with the default
 * slack and 1.035 ms with 1 ns). {@code prctl(PR_SET_TIMERSLACK)} through the FFM API removes
 * that; it needs native access ({@code --enable-native-access=ALL-UNNAMED}), and without it, on
 * another OS, or when {@code gort.timerslack=0}, the kernel's default is left alone.
 */
final class OsThread {
    private OsThread() {}

    private static final int PR_SET_TIMERSLACK = 29;

    /** prctl(int, unsigned long...), or null where it cannot be called. */
    private static final MethodHandle PRCTL = prctl();

    private static MethodHandle prctl() {
        try {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
            if (!OsThread.class.getModule().isNativeAccessEnabled()) return null;
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("prctl").map(addr -> linker.downcallHandle(addr,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether {@link #minit} can set the timer slack in this JVM. */
    static boolean timerSlackSupported() {
        return PRCTL != null;
    }

    /** Runs first on every new M's thread. Go: minit. */
    static void minit(Tunables t) {
        long slack = t.timerSlackNs();
        if (slack > 0 && PRCTL != null) {
            try {
                int rc = (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, slack, 0L, 0L, 0L);
                assert rc == 0 || rc == -1;
            } catch (Throwable e) {
                // best effort: the kernel's default slack stays
            }
        }
    }
}
