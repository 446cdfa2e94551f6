package dev.gort.bench.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class Stats {
    private Stats() {}

    /** Nearest-rank percentile of ns values, in ms; NaN for no values. Sorts a. */
    static double percentileMs(long[] a, double q) {
        if (a.length == 0) return Double.NaN;
        Arrays.sort(a);
        int rank = (int) Math.ceil(q * a.length);
        return a[Math.max(0, Math.min(a.length, rank) - 1)] / 1e6;
    }

    /**
     * Median of the values that are not NaN (infinities count: a ratio with a starved side);
     * the mean of the two middle ones for an even count; NaN if none.
     */
    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>();
        for (Double d : values) if (d != null && !Double.isNaN(d)) v.add(d);
        if (v.isEmpty()) return Double.NaN;
        v.sort(null);
        int k = v.size();
        return k % 2 == 1 ? v.get(k / 2) : (v.get(k / 2 - 1) + v.get(k / 2)) / 2;
    }
}
