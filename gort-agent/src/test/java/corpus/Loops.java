package corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain loops of every shape javac makes. Each public static no-argument method is a case of
 * TransformCorpusTest: it returns what its loops computed, so the original and the transformed
 * class must give the same answer. The trip counts are large enough that, under a runtime with
 * a short time slice, goroutines are preempted inside these loops.
 */
public final class Loops {
    private Loops() {}

    public static int nestedLabelledContinueAndBreak() {
        int sum = 0;
        outer:
        for (int i = 0; i < 600; i++) {
            for (int j = 0; j < 600; j++) {
                if (j > i) continue outer;
                if (i * j > 250_000) break outer;
                sum += i ^ j;
            }
        }
        return sum;
    }

    public static int labelledBlockInsideWhileTrue() {
        int i = 0, hits = 0;
        while (true) {
            block:
            {
                if (i % 3 == 0) break block;
                hits += i;
            }
            if (++i == 100_000) break;
        }
        return hits;
    }

    public static int tripleNestedWithLabelledContinueToMiddle() {
        int n = 0;
        for (int a = 0; a < 40; a++) {
            middle:
            for (int b = 0; b < 40; b++) {
                for (int c = 0; c < 40; c++) {
                    if ((a + b + c) % 5 == 0) continue middle;
                    n += a * b - c;
                }
            }
        }
        return n;
    }

    public static int doWhile() {
        int i = 0, n = 0;
        do {
            n += i * 7 % 5;
            i++;
        } while (i < 200_000);
        return n;
    }

    public static int doWhileWithContinueAndBreak() {
        int i = 0, n = 0;
        do {
            i++;
            if (i % 4 == 0) continue;
            if (i > 150_000) break;
            n += i & 0xff;
        } while (true);
        return n;
    }

    /** A loop whose whole body is its condition: no call at all. */
    public static int emptyBody() {
        int i = 0;
        while (++i < 1_000_000) ;
        return i;
    }

    /** long and double locals (two slots each) live across every back-edge. */
    public static long longAndDoubleLocals() {
        long a = 1;
        double d = 0.5;
        float f = 0.25f;
        int i = 0;
        while (i < 200_000) {
            a = a * 6364136223846793005L + 1442695040888963407L;
            d += (a >>> 40) * 1e-9;
            f = f * 0.5f + 1f;
            i++;
        }
        return a ^ Double.doubleToLongBits(d) ^ Float.floatToIntBits(f);
    }

    /** The loop condition is a ternary: at the back-edge both comparands are on the stack. */
    public static int ternaryInCondition() {
        boolean flag = false;
        int a = 30_000, b = 50_000, i = 0, n = 0;
        while (i < (flag ? a : b)) {
            n += i;
            i++;
            flag = i % 1000 == 0 ? !flag : flag;
        }
        return n;
    }

    public static int ternaryInDoWhileCondition() {
        int i = 0, n = 0;
        boolean even;
        do {
            even = (i & 1) == 0;
            n += even ? i : -i;
            i++;
        } while ((even ? i + 1 : i) < 100_001 && (n > -1 ? true : n != -7));
        return n;
    }

    /** Narrow int types (byte, short, char) as loop variables. */
    public static String narrowTypes() {
        StringBuilder sb = new StringBuilder();
        for (char c = 'a'; c <= 'z'; c += 5) sb.append(c);
        byte x = 0;
        short s = 0;
        for (byte b = -128; b < 127; b++) {
            x ^= b;
            s += b;
        }
        return sb.append(x).append(':').append(s).toString();
    }

    public static int forEachOverArrayAndList() {
        int[] arr = new int[1000];
        for (int i = 0; i < arr.length; i++) arr[i] = i * i % 97;
        List<Integer> list = new ArrayList<>();
        for (int v : arr) if (v % 2 == 0) list.add(v);
        int n = 0;
        for (int v : list) n += v;
        return n + list.size();
    }

    public static int earlyReturnFromNestedLoop() {
        for (int i = 1; i < 10_000; i++) {
            for (int j = 1; j < i; j++) {
                if (i * i + j * j == 1_000_000 + i) return i * 10_000 + j;
                if (i * j == 4_999_950) return -(i * 10_000 + j);
            }
        }
        return 0;
    }

    public static long recursive() {
        return collatzDepthSum(2_000);
    }

    /** Recursion with a loop in every frame. */
    private static long collatzDepthSum(int n) {
        if (n <= 1) return 0;
        long steps = 0;
        for (long x = n; x != 1; steps++) x = (x & 1) == 0 ? x >> 1 : 3 * x + 1;
        return steps + collatzDepthSum(n - 1);
    }

    public static String generic() {
        return max(List.of("pear", "apple", "quince", "fig")) + "/" + max(List.of(3, 41, 7, 40))
                + "/" + count(new String[]{"a", "b", "a", "c", "a"}, "a");
    }

    private static <T extends Comparable<? super T>> T max(Iterable<T> items) {
        T best = null;
        for (T t : items) {
            if (best == null || t.compareTo(best) > 0) best = t;
        }
        return best;
    }

    private static <T> int count(T[] items, T wanted) {
        int n = 0;
        int i = items.length;
        while (--i >= 0) if (items[i].equals(wanted)) n++;
        return n;
    }

    /** A loop whose back-edge is taken with a partial sum on the operand stack (a compound assignment around a switch expression). */
    public static int valueOnStackAcrossInnerLoop() {
        int n = 0;
        for (int i = 0; i < 200; i++) {
            n += switch (i % 3) {
                case 0 -> {
                    int s = 0;
                    for (int j = 0; j < i; j++) s += j;
                    yield s;
                }
                case 1 -> i;
                default -> -i;
            };
        }
        return n;
    }
}
