package dev.gort.runtime;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Go's panic report for an uncaught exception in a goroutine. Go: panic.go printpanics + traceback. */
public final class Panic {
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
        printReport(out, gp.goid, gp.parentGoid, t);
    }

    /**
     * Go's panic report for goroutine goid, created by goroutine parentGoid (0: from outside
     * gort): {@code panic: ...}, the goroutine header and its stack, written in one call.
     */
    public static void printReport(PrintStream out, long goid, long parentGoid, Throwable t) {
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw);
        pw.println("panic: " + t);
        pw.println();
        pw.println("goroutine " + goid + " [running]:");
        t.printStackTrace(pw);
        pw.println(parentGoid == 0 ? "created outside gort" : "created by goroutine " + parentGoid);
        pw.flush();
        out.print(sw); // one call: PrintStream keeps it whole
        out.flush();
    }

    /**
     * Go's goroutine header: {@code goroutine 7 [chan receive]:}, with the wait time when a
     * waiting goroutine has waited a minute or more ({@code [select, 3 minutes]}), and in
     * gort also the exact wait in ms for shorter waits.
     */
    static String header(G gp, long now) {
        int st = gp.status();
        String state;
        if (st == G._Gwaiting) {
            WaitReason why = gp.waitreason;
            state = why == WaitReason.JAVA_BLOCKED && gp.thread != null
                    ? "java " + gp.thread.getState().toString().toLowerCase(java.util.Locale.ROOT)
                    : why.toString();
            long waited = now - gp.waitsince;
            long minutes = waited / 60_000_000_000L;
            if (minutes >= 1) state += ", " + minutes + (minutes == 1 ? " minute" : " minutes");
            else state += ", " + (waited / 1_000_000) + " ms";
        } else {
            state = G.statusName(st);
        }
        return "goroutine " + gp.goid + " [" + state + "]:";
    }

    /** Rethrows t without wrapping, checked or not. */
    @SuppressWarnings("unchecked")
    public static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
