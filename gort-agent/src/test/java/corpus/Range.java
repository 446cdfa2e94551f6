package corpus;

/** A record whose compact constructor normalises its components in loops. */
public record Range(int lo, int hi, int step) {
    public Range {
        while (hi - lo > 10_000) hi -= 1_000;
        int s = 1;
        do s *= 2; while (s < step);
        step = s;
    }

    int count() {
        int n = 0;
        for (int i = lo; i < hi; i += step) n++;
        return n;
    }

    public static String compactConstructor() {
        StringBuilder sb = new StringBuilder();
        for (int k = 1; k < 50; k += 6) {
            Range r = new Range(k, k * 1_000, k);
            sb.append(r).append('=').append(r.count()).append(';');
        }
        return sb.toString();
    }
}
