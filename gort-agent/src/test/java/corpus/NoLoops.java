package corpus;

/**
 * A class without loops or virtual-thread calls: the agent must leave it unchanged with the
 * default options, and put only entry checkpoints into it with entries=true.
 */
public final class NoLoops {
    private NoLoops() {}

    public static String straightLine() {
        int a = 6, b = 7;
        String s = a > b ? "more" : "less";
        try {
            return s + (a * b) + Integer.toHexString(a << b);
        } finally {
            a = 0;
        }
    }

    public static int forwardSwitch() {
        int k = 3;
        return switch (k) {
            case 1 -> 10;
            case 3 -> 30;
            case 1000 -> 999;
            default -> -1;
        };
    }
}
