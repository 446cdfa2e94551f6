package corpus;

import java.io.IOException;
import java.io.StringReader;

/**
 * Loops and exception handling: loops inside try blocks, try blocks inside loops whose
 * continue and break leave the protected range (javac copies the finally block before the
 * jump), retry loops that go back from a handler to the loop head, and loops that only an
 * exception ends.
 */
public final class TryLoops {
    private TryLoops() {}

    public static String loopInsideTryFinally() {
        int n = 0, finallies = 0;
        try {
            for (int i = 0; i < 100_000; i++) n += i % 13;
        } finally {
            finallies++;
        }
        return n + ":" + finallies;
    }

    /** continue and break jump out of the try (through the copied finally) back to the loop head. */
    public static String tryFinallyInsideLoopWithContinueAndBreak() {
        int n = 0, finallies = 0, i = 0;
        while (i < 100_000) {
            try {
                i++;
                if (i % 3 == 0) continue;
                if (i == 90_000) break;
                n += i & 7;
            } finally {
                finallies++;
            }
        }
        return n + ":" + finallies;
    }

    public static String tryCatchInsideLoop() {
        int ok = 0, caught = 0;
        for (int i = 0; i < 20_000; i++) {
            try {
                if (i % 7 == 0) throw new IllegalStateException("i=" + i);
                ok += i % 5;
            } catch (IllegalStateException e) {
                caught += e.getMessage().length();
            }
        }
        return ok + ":" + caught;
    }

    /** A labelled continue out of two nested try/finally blocks to an outer loop. */
    public static String labelledContinueOutOfNestedFinally() {
        StringBuilder log = new StringBuilder();
        int n = 0;
        outer:
        for (int i = 0; i < 50; i++) {
            try {
                for (int j = 0; j < 50; j++) {
                    try {
                        if (j == i % 10) continue outer;
                        n += i * j;
                    } finally {
                        n ^= 1;
                    }
                }
            } finally {
                if (i % 10 == 0) log.append(i).append(',');
            }
        }
        return log.append(n).toString();
    }

    /** The handler goes back to the head of the loop: an exception drives the back-edge. */
    public static String retryLoop() {
        int attempts = 0;
        int result;
        while (true) {
            try {
                attempts++;
                result = flaky(attempts);
                break;
            } catch (IllegalArgumentException e) {
                if (attempts > 10_000) throw e;
            }
        }
        return attempts + ":" + result;
    }

    private static int flaky(int attempt) {
        if (attempt < 5_000) throw new IllegalArgumentException("not yet");
        return attempt * 3;
    }

    /** A for(;;) that only an ArrayIndexOutOfBoundsException ends. */
    public static int infiniteLoopEndedByArrayBounds() {
        int[] arr = new int[50_000];
        int sum = 0;
        try {
            for (int i = 0; ; i++) {
                arr[i] = i % 11;
                sum += arr[i];
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return sum;
        }
    }

    /** A while(true) left by throwing the answer. */
    public static long infiniteLoopEndedByThrownResult() {
        try {
            long x = 1;
            for (int i = 1; ; i++) {
                x = x * 31 + i;
                if (i == 123_456) throw new Answer(x);
            }
        } catch (Answer a) {
            return a.value;
        }
    }

    private static final class Answer extends RuntimeException {
        final long value;

        Answer(long value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    public static String loopsInsideCatchAndFinally() {
        int a = 0, b = 0;
        try {
            throw new UnsupportedOperationException();
        } catch (UnsupportedOperationException e) {
            for (int i = 0; i < 10_000; i++) a += i % 3;
        } finally {
            int k = 0;
            do b += k++; while (k < 10_000);
        }
        return a + ":" + b;
    }

    public static String tryWithResourcesInsideLoop() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            try (StringReader r = new StringReader("line " + i)) {
                int c;
                while ((c = r.read()) != -1) if (Character.isDigit(c)) sb.append((char) c);
            }
        }
        return sb.length() + ":" + sb.substring(0, 20);
    }

    /** An exception escapes the loop and the method: the outcome to compare is the exception. */
    public static int loopThatThrows() {
        int n = 0;
        for (int i = 0; ; i++) {
            n += i;
            if (n > 1_000_000) throw new IllegalStateException("overflowed at " + i);
        }
    }
}
