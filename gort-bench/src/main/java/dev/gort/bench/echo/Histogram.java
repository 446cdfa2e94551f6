package dev.gort.bench.echo;

/**
 * A log-linear histogram of non-negative long values (round-trip times in ns), HdrHistogram's
 * layout in a few lines: values below 256 have a bucket each; above, every power of two is split
 * into 128 equal buckets, so a bucket is at most 1/128 (0.8 %) of its values wide. Recording is
 * an array increment, no allocation. Not thread-safe: one per load-generator thread, merged at the
 * end.
 */
final class Histogram {
    private static final int SUB_BITS = 7, SUB = 1 << SUB_BITS; // 128 buckets per power of two
    /** Index of Long.MAX_VALUE, plus one. */
    private static final int SIZE = index(Long.MAX_VALUE) + 1;

    private final long[] counts = new long[SIZE];
    private long total, max, sum;

    /** The bucket of v (v ≥ 0): v itself below 256, else (shift << 7) + (v >>> shift), shift chosen so that v >>> shift is in [128, 256). */
    static int index(long v) {
        int shift = Math.max(0, 63 - Long.numberOfLeadingZeros(v) - SUB_BITS);
        return (shift << SUB_BITS) + (int) (v >>> shift);
    }

    /** The largest value that falls into bucket i (HdrHistogram's highestEquivalentValue). */
    static long highest(int i) {
        int shift = Math.max(0, (i >> SUB_BITS) - 1);
        long lowest = (long) (i - (shift << SUB_BITS)) << shift;
        return lowest + (1L << shift) - 1;
    }

    void record(long v) {
        if (v < 0) v = 0;
        counts[index(v)]++;
        total++;
        sum += v;
        if (v > max) max = v;
    }

    void add(Histogram h) {
        for (int i = 0; i < SIZE; i++) counts[i] += h.counts[i];
        total += h.total;
        sum += h.sum;
        max = Math.max(max, h.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    double mean() {
        return total == 0 ? Double.NaN : (double) sum / total;
    }

    /**
     * Nearest-rank percentile (q in (0, 1]): the highest value of the bucket that holds the
     * ceil(q × count)-th smallest value, capped at the exact maximum; NaN when empty.
     */
    double percentile(double q) {
        if (total == 0) return Double.NaN;
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.min(highest(i), max);
        }
        return max;
    }
}
