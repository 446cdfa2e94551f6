package corpus;

/**
 * Loops in an interface: a default method, a private method and static methods (the cases
 * below are static methods of the interface itself).
 */
public interface Shapes {
    int sides();

    default int diagonals() {
        int d = 0;
        for (int from = 0; from < sides(); from++) d += countFrom(from);
        return d / 2;
    }

    private int countFrom(int from) {
        int n = 0;
        for (int to = 0; to < sides(); to++) {
            if (to != from && Math.abs(to - from) != 1 && Math.abs(to - from) != sides() - 1) n++;
        }
        return n;
    }

    static int sumOfInteriorAngles(int sides) {
        int total = 0;
        int i = 2;
        while (i < sides) {
            total += 180;
            i++;
        }
        return total;
    }

    static String defaultAndPrivateMethods() {
        StringBuilder sb = new StringBuilder();
        for (int s = 3; s <= 12; s++) {
            int n = s;
            Shapes shape = () -> n;
            sb.append(shape.diagonals()).append(',');
        }
        return sb.toString();
    }

    static int staticMethod() {
        int n = 0;
        for (int s = 3; s < 200; s++) n += sumOfInteriorAngles(s) % 1000;
        return n;
    }
}
