package dev.gort.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.concurrent.Executor;

/**
 * Every use of the JDK's unsupported virtual-thread scheduler hook, in one place.
 *
 * <p>gort needs two package-private members of {@code java.lang}:
 * <ul>
 *   <li>{@code ThreadBuilders$VirtualThreadBuilder(Executor)}: builds a virtual thread whose
 *       scheduler is an {@link Executor} of ours. The JDK calls {@code execute(runContinuation)}
 *       whenever the thread must run (start, unpark, yield, monitor unblock); that call is
 *       gort's {@code ready}.</li>
 *   <li>{@code Thread.currentCarrierThread()}: an intrinsic that returns the platform thread a
 *       virtual thread is mounted on, so runtime code finds its M (and P) with one load.</li>
 * </ul>
 * Both need {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or {@code =dev.gort} on the
 * module path). When the JDK's public custom-scheduler interface ships, only this class changes.
 */
public final class JdkHooks {
    private JdkHooks() {}

    /** The JVM flag every gort JVM needs; named in every error about the hook. */
    public static final String ADD_OPENS_FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final MethodHandle VIRTUAL_THREAD_BUILDER; // (Executor)Thread.Builder.OfVirtual
    private static final MethodHandle CURRENT_CARRIER;        // ()Thread
    private static final Class<?> VIRTUAL_THREAD_CLASS;
    private static final RuntimeException FAILURE;

    static {
        MethodHandle builder = null;
        MethodHandle carrier = null;
        Class<?> vtClass = null;
        RuntimeException failure = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            builder = l.findConstructor(c, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            MethodHandles.Lookup tl = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            carrier = tl.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            vtClass = Class.forName("java.lang.VirtualThread");
        } catch (IllegalAccessException | SecurityException e) {
            failure = new UnsupportedOperationException(
                    "gort: the JDK's virtual-thread scheduler hook is closed to gort. Add the JVM flag "
                            + ADD_OPENS_FLAG + " (on the module path: --add-opens java.base/java.lang=dev.gort)", e);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            failure = new UnsupportedOperationException(
                    "gort: this JVM (" + System.getProperty("java.vm.name") + " " + Runtime.version()
                            + ") has no java.lang.ThreadBuilders$VirtualThreadBuilder(Executor) constructor "
                            + "or Thread.currentCarrierThread(); gort needs JDK 25 or newer", e);
        }
        if (failure != null) {
            // Keep the class usable for checks that run outside goroutines (the checkpoint on a
            // platform thread): a carrier lookup that returns the current thread is never an M.
            try {
                carrier = MethodHandles.lookup().findStatic(Thread.class, "currentThread",
                        MethodType.methodType(Thread.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        VIRTUAL_THREAD_BUILDER = builder;
        CURRENT_CARRIER = carrier;
        VIRTUAL_THREAD_CLASS = vtClass;
        FAILURE = failure;
    }

    private static final java.lang.invoke.VarHandle VT_STATE, VT_PARK_PERMIT;
    /** VirtualThread.PARKED (JDK 25); checked against the JDK's own constant at startup. */
    private static final int VT_PARKED;

    static {
        java.lang.invoke.VarHandle st = null, pp = null;
        int parked = -1;
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            st = l.findVarHandle(vt, "state", int.class);
            pp = l.findVarHandle(vt, "parkPermit", boolean.class);
            java.lang.reflect.Field f = vt.getDeclaredField("PARKED");
            f.setAccessible(true);
            parked = f.getInt(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            st = null;
            pp = null;
        }
        VT_STATE = st;
        VT_PARK_PERMIT = pp;
        VT_PARKED = parked;
    }

    /**
     * Whether virtual thread t is parked with nothing on its way to wake it: state PARKED (not
     * suspended, not being unparked) and no park permit. Anything else, or a JDK whose shape
     * is not recognised, answers false: checkdead must never call a deadlock while a wake-up
     * may be in flight (for example while another thread takes t's stack trace, the JDK
     * suspends t and an unpark meanwhile only sets the permit).
     */
    static boolean parkedForGood(Thread t) {
        if (VT_STATE == null || t == null || !t.isVirtual()) return false;
        int s = (int) VT_STATE.getVolatile(t);
        if (s != VT_PARKED) return false;
        if ((boolean) VT_PARK_PERMIT.getVolatile(t)) return false;
        return (int) VT_STATE.getVolatile(t) == VT_PARKED;
    }

    private static volatile boolean jdkThreadsInitialised;

    /**
     * Starts the JDK's own lazily created virtual threads from a platform thread, once per JVM.
     * A virtual thread created without a scheduler inherits its creator's: in JDK 25's default
     * poller mode the I/O SubPoller threads are virtual threads made on the first blocking
     * socket call, so if that call came from a goroutine they would become goroutines of that
     * runtime, and every virtual thread's socket I/O in the JVM would stop when it shuts down.
     */
    static void initJdkThreads() {
        if (jdkThreadsInitialised) return;
        synchronized (JdkHooks.class) {
            if (jdkThreadsInitialised) return;
            Thread t = Thread.ofPlatform().daemon(true).name("gort-init").start(() -> {
                try {
                    Class.forName("sun.nio.ch.Poller", true, ClassLoader.getPlatformClassLoader());
                } catch (Throwable ignored) {
                    // another JDK without this class: nothing to pre-start
                }
            });
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jdkThreadsInitialised = true;
        }
    }

    /** Throws a clear error when the hook is missing or closed; called when a runtime starts. */
    public static void check() {
        if (FAILURE != null) {
            throw new UnsupportedOperationException(FAILURE.getMessage(), FAILURE.getCause());
        }
    }

    /**
     * Creates the (unstarted) virtual thread of a goroutine, scheduled by {@code scheduler}.
     * Go: newproc1's malg + gostartcallfn.
     */
    static Thread newVirtualThread(Executor scheduler, Runnable task) {
        check();
        try {
            Thread.Builder.OfVirtual b = (Thread.Builder.OfVirtual) VIRTUAL_THREAD_BUILDER.invokeExact(scheduler);
            return b.unstarted(task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("gort: cannot create a virtual thread", t);
        }
    }

    /** A builder of virtual threads scheduled by {@code scheduler} (the JDK's VirtualThreadBuilder(Executor)). */
    static Thread.Builder.OfVirtual virtualThreadBuilder(Executor scheduler) {
        check();
        try {
            return (Thread.Builder.OfVirtual) VIRTUAL_THREAD_BUILDER.invokeExact(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("gort: cannot create a virtual-thread builder", t);
        }
    }

    /**
     * The platform thread the current thread runs on: itself for a platform thread, the
     * carrier for a mounted virtual thread. One intrinsic load in compiled code.
     */
    static Thread currentCarrierThread() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The virtual thread behind a {@code runContinuation} task that the JDK handed to a
     * goroutine's executor for a thread gort did not create (a child virtual thread inherits
     * its parent's scheduler). Slow path: reflection on the JDK's lambda. Returns null if the
     * JDK's shape is not recognised.
     */
    static Thread threadOfContinuationTask(Runnable runContinuation) {
        if (VIRTUAL_THREAD_CLASS == null) return null;
        for (Field f : runContinuation.getClass().getDeclaredFields()) {
            if (VIRTUAL_THREAD_CLASS.isAssignableFrom(f.getType())) {
                try {
                    f.setAccessible(true);
                    return (Thread) f.get(runContinuation);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
