package corpus;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * Loops in code javac moves elsewhere: lambda bodies (private synthetic methods of this class),
 * a lambda inside a lambda, a local class and an anonymous class (their own class files),
 * and a method reference to a method with a loop.
 */
public final class LambdaLoops {
    private LambdaLoops() {}

    public static int lambdaWithLoop() {
        IntUnaryOperator triangle = n -> {
            int s = 0;
            for (int i = 1; i <= n; i++) s += i;
            return s;
        };
        int total = 0;
        for (int k = 0; k < 500; k++) total += triangle.applyAsInt(k);
        return total;
    }

    public static int capturingLambdaInsideLambda() {
        int base = 3;
        Supplier<IntBinaryOperator> make = () -> (a, b) -> {
            int r = base;
            while (a < b) {
                r = r * 31 + a;
                a++;
            }
            return r;
        };
        IntBinaryOperator op = make.get();
        int n = 0;
        for (int i = 0; i < 200; i++) n ^= op.applyAsInt(i, i + 100);
        return n;
    }

    public static String localClass() {
        final class Fib implements Iterator<Long> {
            long a = 0, b = 1;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Long next() {
                long r = a;
                a = b;
                b = r + b;
                return r;
            }

            long skip(int n) {
                long last = 0;
                for (int i = 0; i < n; i++) last = next();
                return last;
            }
        }
        Fib f = new Fib();
        return f.skip(50) + "," + f.skip(10);
    }

    public static int anonymousClass() {
        IntUnaryOperator digitsSum = new IntUnaryOperator() {
            @Override
            public int applyAsInt(int v) {
                int s = 0;
                while (v != 0) {
                    s += v % 10;
                    v /= 10;
                }
                return s;
            }
        };
        int n = 0;
        for (int i = 0; i < 50_000; i++) n += digitsSum.applyAsInt(i);
        return n;
    }

    public static List<Integer> methodReference() {
        IntUnaryOperator op = LambdaLoops::bitCount;
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < 40; i += 3) r.add(op.applyAsInt(i * 12345));
        return r;
    }

    private static int bitCount(int v) {
        int c = 0;
        for (; v != 0; v &= v - 1) c++;
        return c;
    }
}
