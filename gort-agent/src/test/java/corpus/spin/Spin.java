package corpus.spin;

/**
 * Loops that call nothing that could yield (the clock read every 65,536 trips is an intrinsic
 * that never unmounts): as compiled, only a checkpoint the agent puts on their back-edges can
 * preempt them. The tests reach the fields by reflection, since each test loader has its own
 * copy of this class.
 */
public final class Spin {
    private Spin() {}

    public static volatile boolean started;
    public static volatile boolean stop;

    /** Sets started, then spins until stop is set (true) or the deadline passes (false). */
    public static boolean spinUntilStopped(long deadlineNanos) {
        started = true;
        long n = 0;
        while (!stop) {
            if ((++n & 0xffff) == 0 && System.nanoTime() - deadlineNanos > 0) return false;
        }
        return true;
    }

    /** Spins for about nanos; returns the number of trips round the loop. */
    public static long spinFor(long nanos) {
        long end = System.nanoTime() + nanos;
        long n = 0;
        while (((++n & 0xfff) != 0) || System.nanoTime() - end < 0) {
            // nothing: the loop is the work
        }
        return n;
    }

    /**
     * A call-free counted loop of n trips, which the agent strip-mines: only the check between
     * its strips (every 4,096 trips) can preempt it. Returns a value that depends on every trip.
     */
    public static int countedLoop(int n) {
        int h = 1;
        for (int i = 0; i < n; i++) h = h * 31 + i;
        return h;
    }
}
