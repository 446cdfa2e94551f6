package corpus;

/**
 * Loops and monitors: loops inside synchronized blocks and synchronized methods, synchronized
 * blocks inside loops left by continue and break (javac releases the monitor before the jump),
 * and an exception thrown while a monitor is held inside a loop.
 */
public final class SyncLoops {
    private static final Object LOCK = new Object();
    private int count;

    private SyncLoops() {}

    public static int loopInsideSynchronizedBlock() {
        int n = 0;
        synchronized (LOCK) {
            for (int i = 0; i < 200_000; i++) n += i % 9;
        }
        return n;
    }

    public static int synchronizedBlockInsideLoopWithContinueAndBreak() {
        int n = 0;
        for (int i = 0; i < 100_000; i++) {
            synchronized (LOCK) {
                if (i % 5 == 0) continue;
                if (i == 99_000) break;
                n += i & 15;
            }
        }
        return n;
    }

    public static int nestedMonitorsAcrossLabelledContinue() {
        Object inner = new Object();
        int n = 0;
        outer:
        for (int i = 0; i < 300; i++) {
            synchronized (LOCK) {
                for (int j = 0; j < 300; j++) {
                    synchronized (inner) {
                        if (j > i) continue outer;
                        n += j;
                    }
                }
            }
        }
        return n;
    }

    public static long synchronizedStaticMethod() {
        return sumSquares(50_000);
    }

    private static synchronized long sumSquares(int n) {
        long s = 0;
        int i = 0;
        while (i < n) {
            s += (long) i * i;
            i++;
        }
        return s;
    }

    public static int synchronizedInstanceMethod() {
        SyncLoops s = new SyncLoops();
        for (int k = 0; k < 3; k++) s.addUpTo(40_000);
        return s.count;
    }

    private synchronized void addUpTo(int n) {
        for (int i = 0; i < n; i++) count += i % 3;
    }

    /** The monitor is held when the loop throws; the handler outside sees it released. */
    public static String throwWhileHoldingMonitorInLoop() {
        int n = 0;
        try {
            synchronized (LOCK) {
                for (int i = 0; ; i++) {
                    n += i;
                    if (n > 300_000) throw new IllegalStateException("at " + i);
                }
            }
        } catch (IllegalStateException e) {
            return e.getMessage() + ":" + Thread.holdsLock(LOCK);
        }
    }
}
