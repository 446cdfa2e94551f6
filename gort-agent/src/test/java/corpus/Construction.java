package corpus;

/**
 * Loops where objects and classes are being made: a static initialiser, an instance
 * initialiser, constructor bodies, a loop before {@code super(...)} and before {@code this(...)}
 * (Java 25's flexible constructor bodies: the loop runs while {@code this} is still
 * uninitialised), and loops inside the arguments of {@code super(...)} and {@code new}, where an
 * uninitialised object sits on the operand stack at every back-edge.
 */
public final class Construction {
    private Construction() {}

    static final int[] PRIMES;

    static {
        int[] found = new int[100];
        int n = 0;
        candidates:
        for (int c = 2; n < found.length; c++) {
            for (int k = 0; k < n; k++) {
                if (c % found[k] == 0) continue candidates;
            }
            found[n++] = c;
        }
        PRIMES = found;
    }

    public static int staticInitialiser() {
        int s = 0;
        for (int p : PRIMES) s += p;
        return s;
    }

    static class Base {
        final int value;
        int initialised;

        {
            for (int i = 0; i < 10; i++) initialised += i;
        }

        Base(int value) {
            int v = value;
            while (v > 1000) v -= 1000;
            this.value = v;
        }
    }

    /** A loop before super(...): javac 25 accepts it (JEP 513), and this is uninitialised throughout. */
    static final class LoopBeforeSuper extends Base {
        final String origin;

        LoopBeforeSuper(int n) {
            int s = 0;
            for (int i = 0; i < n; i++) s += i % 7;
            if (s < 0) throw new IllegalArgumentException("negative");
            super(s);
            origin = "super";
        }

        /** A loop before this(...). */
        LoopBeforeSuper(String digits) {
            int n = 0;
            for (int i = 0; i < digits.length(); i++) n = n * 10 + (digits.charAt(i) - '0');
            this(n);
        }
    }

    /** The argument of super(...) is a switch expression with a loop: uninitializedThis is on the stack at the back-edge. */
    static final class LoopInSuperArgument extends Base {
        LoopInSuperArgument(int k) {
            super(switch (k % 3) {
                case 0 -> {
                    int s = 0;
                    for (int i = 0; i < k; i++) s += i;
                    yield s;
                }
                case 1 -> k * 2;
                default -> {
                    int s = k;
                    while (s > 10) s /= 2;
                    yield s;
                }
            });
        }
    }

    record Pair(int a, int b) {}

    public static String loopBeforeSuper() {
        LoopBeforeSuper x = new LoopBeforeSuper(12_345);
        LoopBeforeSuper y = new LoopBeforeSuper("98765");
        return x.value + "/" + x.initialised + "/" + x.origin + ";" + y.value + "/" + y.origin;
    }

    public static String loopInSuperArgument() {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 200; k += 7) sb.append(new LoopInSuperArgument(k).value).append(',');
        return sb.toString();
    }

    /** new Pair(x, switch ... loop ...): an uninitialised Pair and an int on the stack at the back-edge. */
    public static String loopInsideNewArguments() {
        int total = 0;
        for (int k = 0; k < 500; k++) {
            Pair p = new Pair(k, switch (k & 1) {
                case 0 -> {
                    int s = 0;
                    for (int i = 0; i < k; i++) s ^= i;
                    yield s;
                }
                default -> -k;
            });
            total += p.a() * 3 + p.b();
        }
        return Integer.toString(total);
    }

    static final class Counter {
        final long total;

        Counter(int n) {
            long t = 0;
            int i = n;
            do {
                t += i;
                i--;
            } while (i > 0);
            total = t;
        }
    }

    public static long constructorLoop() {
        long s = 0;
        for (int n = 1; n < 2_000; n += 3) s += new Counter(n).total;
        return s;
    }
}
