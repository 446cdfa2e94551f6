package corpus;

/**
 * Counted loops around the shape the agent strip-mines ({@code for (...; i < limit; i++)} with a
 * call-free, loop-free body and a limit that the body cannot change), and near misses that must
 * keep the check at every back-edge. {@code StripMiningTest} asserts which loops are strip-mined
 * (the number after each name's {@code _}); TransformCorpusTest that all give the same results.
 * Trip counts cross several strips (4,096 trips each).
 */
public final class StripLoops {
    private StripLoops() {}

    private static int[] ints(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i * 2_654_435_761L > 0 ? i : -i; // strip-mined too (a helper)
        return a;
    }

    public static long arraySum_1() {
        int[] a = ints(50_000);
        long s = 0;
        for (int i = 0; i < a.length; i++) s += a[i];
        return s;
    }

    /** Long and double locals around the index and the new limit local. */
    public static double longAndDoubleLocals_1() {
        long before = 7;
        double d = 0.5;
        int n = 30_000;
        long after = 11;
        for (int i = 0; i < n; i++) {
            d += i * 0.25;
            before ^= i;
            after += before;
        }
        return d + before + after;
    }

    public static int constantLimit_1() {
        int h = 1;
        for (int i = 0; i < 100_000; i++) h = h * 31 + i;
        return h;
    }

    public static int forEachOverArray_1() {
        int s = 0;
        for (int x : ints(9_000)) s += x ^ 0x55;
        return s;
    }

    /** Only the innermost loop is strip-mined; the outer loops keep their checks. */
    public static long nested_1() {
        long s = 0;
        int n = 70;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < 5_000; k++) s += i ^ j ^ k;
            }
        }
        return s;
    }

    public static int labelledBreakAndContinueFromInner_1() {
        int s = 0;
        outer:
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 10_000; j++) {
                if (j == i * 40) continue outer; // a jump forward, to the outer loop's increment
                if (i == 250) break outer;
                s += j;
            }
        }
        return s; // the inner loop is strip-mined: its body jumps only forward, out of it
    }

    public static int breakAndContinue_1() {
        int s = 0;
        for (int i = 0; i < 50_000; i++) {
            if ((i & 7) == 3) continue;
            if (i == 45_678) break;
            s += i;
        }
        return s;
    }

    /** The limit is a local that the body writes: not strip-mined. */
    public static int limitChangesInBody_0() {
        int n = 20_000, s = 0;
        for (int i = 0; i < n; i++) {
            if (i == 10_000) n = 15_000;
            s += i;
        }
        return s;
    }

    /** The array local is replaced inside the body, so its length may change: not strip-mined. */
    public static int arrayReplacedInBody_0() {
        int[] a = ints(10_000);
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
            if (i == 5_000) a = new int[7_000];
        }
        return s;
    }

    /** The index is written in the body: not strip-mined (a strip could run forever). */
    public static int indexWrittenInBody_0() {
        int s = 0;
        for (int i = 0; i < 40_000; i++) {
            if (i % 1_000 == 999) i += 3;
            s += i;
        }
        return s;
    }

    /** A call in the body: a trip has no bound, so the check stays at every trip. */
    public static int callInBody_0() {
        int s = 0;
        for (int i = 0; i < 20_000; i++) s += Integer.bitCount(i);
        return s;
    }

    public static int lessOrEqual_0() {
        int s = 0;
        for (int i = 0; i <= 20_000; i++) s += i;
        return s;
    }

    public static int decreasing_0() {
        int s = 0;
        for (int i = 20_000; i > 0; i--) s += i;
        return s;
    }

    public static int stepOfTwo_0() {
        int s = 0;
        for (int i = 0; i < 20_000; i += 2) s += i;
        return s;
    }

    /** The limit near Integer.MAX_VALUE: i + STRIP would overflow an int. */
    public static int nearIntMax_1() {
        int s = 0;
        for (int i = Integer.MAX_VALUE - 10_000; i < Integer.MAX_VALUE; i++) s += i & 3;
        return s;
    }

    /** From Integer.MIN_VALUE: limit - i does not fit an int. */
    public static int fromIntMin_1() {
        int s = 0, n = Integer.MIN_VALUE + 9_000;
        for (int i = Integer.MIN_VALUE; i < n; i++) s += i & 5;
        return s;
    }

    public static int emptyRange_1() {
        int s = 0, n = -5;
        for (int i = 0; i < n; i++) s++;
        return s;
    }

    /** A try/catch around the whole loop; the loop's array is null, so the limit throws. */
    public static String handlerAroundTheLoop_1() {
        int[] a = null;
        int s = 0;
        try {
            for (int i = 0; i < a.length; i++) s += a[i];
        } catch (NullPointerException e) {
            return "caught " + s;
        }
        return "not caught";
    }

    /** A try/catch inside the body (the handler is in the body and covers only body code). */
    public static int handlerInsideTheBody_1() {
        int[] a = ints(10_000);
        int s = 0;
        for (int i = 0; i < a.length; i++) {
            try {
                s += 100 / (a[i] % 7);
            } catch (ArithmeticException e) {
                s--;
            }
        }
        return s;
    }

    /** A loop that runs off the end of an array: the exception leaves the loop in the middle of a strip. */
    public static int throwsInTheMiddle_1() {
        int[] a = ints(9_000);
        int s = 0;
        int n = 10_000;
        try {
            for (int i = 0; i < n; i++) s += a[i];
        } catch (ArrayIndexOutOfBoundsException e) {
            s = -s;
        }
        return s;
    }

    /** The index starts below the limit's strip, and the index is read after the loop. */
    public static int indexUsedAfterTheLoop_1() {
        int i = -20_000;
        int n = 12_345;
        for (; i < n; i++) { }
        return i;
    }

    /** A while loop of the same shape. */
    public static int whileLoop_1() {
        int i = 0, s = 0, n = 33_333;
        while (i < n) {
            s += i % 3;
            i++;
        }
        return s;
    }

    /** A while loop whose continue skips the increment: the jump goes back to the head, not strip-mined. */
    public static int whileWithContinueToHead_0() {
        int i = 0, s = 0, n = 33_333;
        while (i < n) {
            s += i;
            if (s % 5 == 0) { i += 2; continue; }
            i++;
        }
        return s;
    }
}
