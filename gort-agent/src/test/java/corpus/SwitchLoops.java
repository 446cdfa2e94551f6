package corpus;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Switches inside loops: tableswitch (dense cases), lookupswitch (sparse cases), a switch on
 * strings (a lookupswitch on hash codes, then a tableswitch), a switch on an enum of another
 * class (through javac's synthetic switch-map class), a pattern switch (an invokedynamic
 * typeSwitch), and switch expressions with yield and loops inside their arms.
 */
public final class SwitchLoops {
    private SwitchLoops() {}

    @SuppressWarnings("fallthrough") // case 2 falls into case 3 on purpose
    public static int tableSwitchInLoop() {
        int n = 0;
        for (int i = 0; i < 100_000; i++) {
            switch (i % 6) {
                case 0: n += 1; break;
                case 1: n += 3; break;
                case 2: n -= 2; // fall through
                case 3: n += 7; break;
                case 4: continue;
                default: n ^= i;
            }
            n++;
        }
        return n;
    }

    public static int lookupSwitchInLoop() {
        int n = 0;
        for (int i = 0; i < 100_000; i++) {
            switch (i * 37 % 1000) {
                case 1 -> n += 5;
                case 100 -> n -= 3;
                case 333 -> n *= 3;
                case 999 -> { n >>= 1; continue; }
                default -> n += i & 3;
            }
            n &= 0xffffff;
        }
        return n;
    }

    public static String stringSwitchInLoop() {
        String[] words = {"alpha", "beta", "gamma", "delta", "Aa", "BB", "omega"};
        StringBuilder sb = new StringBuilder();
        int score = 0;
        for (int round = 0; round < 2_000; round++) {
            for (String w : words) {
                switch (w) {
                    case "alpha" -> score += 1;
                    case "beta", "gamma" -> score += 2;
                    case "Aa" -> score += 10; // "Aa" and "BB" have the same hash code
                    case "BB" -> score += 20;
                    default -> score -= w.length();
                }
            }
            if (round % 500 == 0) sb.append(score).append(',');
        }
        return sb.append(score).toString();
    }

    public static long enumSwitchInLoop() {
        long n = 0;
        TimeUnit[] units = TimeUnit.values();
        for (int i = 0; i < 50_000; i++) {
            switch (units[i % units.length]) {
                case NANOSECONDS -> n += 1;
                case SECONDS -> n += 1000;
                case DAYS -> n -= 7;
                default -> n += i % 3;
            }
        }
        return n;
    }

    public static String patternSwitchInLoop() {
        List<Object> things = List.of(1, "two", 3L, 4.0, 'c', List.of(6), "seventeen");
        long n = 0;
        StringBuilder kinds = new StringBuilder();
        for (int round = 0; round < 1_000; round++) {
            for (Object o : things) {
                n += switch (o) {
                    case Integer i when i > 0 -> i;
                    case Integer i -> -i;
                    case String s when s.length() > 5 -> s.length() * 100;
                    case String s -> s.length();
                    case Long l -> l * 2;
                    case List<?> l -> l.size();
                    default -> 1;
                };
                if (round == 0) kinds.append(o.getClass().getSimpleName().charAt(0));
            }
        }
        return kinds + ":" + n;
    }

    /** Loops inside the arms of a switch expression, the expression itself inside a loop. */
    public static int switchExpressionWithYieldAndLoops() {
        int total = 0;
        for (int i = 0; i < 3_000; i++) {
            int v = switch (i % 4) {
                case 0 -> {
                    int s = 0;
                    for (int j = 0; j < 10; j++) s += j * i;
                    yield s;
                }
                case 1 -> {
                    int k = i;
                    while (k > 10) k /= 3;
                    yield k;
                }
                case 2 -> {
                    int m = 0;
                    do m += 2; while (m < i % 17);
                    yield -m;
                }
                default -> {
                    if (i % 8 == 3) yield 0;
                    yield 1;
                }
            };
            total += v;
        }
        return total;
    }

    /** A switch in a while(true) whose arms both continue and leave the loop by a labelled break. */
    public static String stateMachine() {
        String input = "ab*cd**ef*g**h";
        StringBuilder out = new StringBuilder();
        int state = 0, pos = 0;
        run:
        while (true) {
            char c = pos < input.length() ? input.charAt(pos++) : '$';
            switch (state) {
                case 0:
                    if (c == '$') break run;
                    if (c == '*') { state = 1; continue; }
                    out.append(c);
                    break;
                case 1:
                    if (c == '*') { out.append('!'); state = 0; continue run; }
                    if (c == '$') break run;
                    out.append(Character.toUpperCase(c));
                    state = 0;
                    break;
                default:
                    throw new AssertionError(state);
            }
        }
        return out.toString();
    }
}
