package dev.gort.runtime;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Go's panic report for an uncaught exception in a goroutine. Go: panic.go printpanics + traceback. */
final class Panic {
    private Panic() {}

    /**
     * Prints, like Go:
     * <pre>
     * panic: java.lang.IllegalStateException: boom
     *
     * goroutine 7 [running]:
     * java.lang.IllegalStateException: boom
     * 	at Demo.lambda$main$0(Demo.java:12)
     * 	...
     * created by goroutine 1
     * </pre>
     */
    static void printReport(PrintStream out, G gp, Throwable t) {
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw);
        pw.println("panic: " + t);
        pw.println();
        pw.println("goroutine " + gp.goid + " [running]:");
        t.printStackTrace(pw);
        pw.println(gp.parentGoid == 0 ? "created outside gort" : "created by goroutine " + gp.parentGoid);
        pw.flush();
        synchronized (out) {
            out.print(sw);
            out.flush();
        }
    }

    /** Rethrows t without wrapping, checked or not. */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
