package corpus;

import java.util.EnumMap;
import java.util.Map;

/**
 * Loops in an enum: its constructor, its static initialiser (after the constants), a
 * constant-specific class body (its own class file), and a switch on itself inside a loop.
 */
public enum Planet {
    MERCURY("mercury", 3), VENUS("venus", 5), EARTH("earth", 7) {
        @Override
        int weight(int moons) {
            int w = 0;
            for (int i = 0; i <= moons; i++) w += code * i;
            return w;
        }
    }, MARS("mars", 11);

    private static final Map<Planet, Integer> VOWELS = new EnumMap<>(Planet.class);

    static {
        for (Planet p : values()) {
            int v = 0;
            for (char c : p.label.toCharArray()) if ("aeiou".indexOf(c) >= 0) v++;
            VOWELS.put(p, v);
        }
    }

    final String label;
    final int code;

    Planet(String name, int seed) {
        int c = seed;
        for (int i = 0; i < name.length(); i++) c = c * 31 + name.charAt(i);
        this.label = name;
        this.code = c & 0xfff;
    }

    int weight(int moons) {
        return code * moons;
    }

    public static String staticInitialiserAndConstructor() {
        StringBuilder sb = new StringBuilder();
        for (Planet p : values()) sb.append(p.code).append('/').append(VOWELS.get(p)).append(',');
        return sb.toString();
    }

    public static int constantBody() {
        int n = 0;
        for (Planet p : values()) n += p.weight(4);
        return n;
    }

    public static long switchOnSelfInLoop() {
        long n = 0;
        Planet[] all = values();
        for (int i = 0; i < 40_000; i++) {
            switch (all[i % all.length]) {
                case MERCURY -> n += 1;
                case EARTH -> n += i % 5;
                default -> n -= 1;
            }
        }
        return n;
    }
}
