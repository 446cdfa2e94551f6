package dev.gort.runtime.mem;

/**
 * Go's size classes for objects up to 32 KiB: the size of each class and the pages of the span
 * that holds its objects (tail waste at most 12.5%). Go: sizeclasses.go (class_to_size,
 * class_to_allocnpages, size_to_class8/128); the values are Go's, the lookup is gort's own: one
 * byte table indexed by the size rounded up to 8 bytes, built at class initialisation.
 *
 * <p>Class 0 means "large": a buffer above {@link #MAX_SMALL_SIZE} gets a span of its own.
 */
public final class SizeClasses {
    private SizeClasses() {}

    /** Go: _MaxSmallSize. */
    public static final int MAX_SMALL_SIZE = 32768;
    /** Go: _NumSizeClasses (class 0 included). */
    public static final int NUM_SIZE_CLASSES = 67;
    /** Go: _PageShift / _PageSize. */
    public static final int PAGE_SHIFT = 13;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    /** Go: class_to_size. */
    private static final int[] CLASS_TO_SIZE = {0, 8, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208,
        224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408,
        1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472,
        9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};

    /** Go: class_to_allocnpages. */
    private static final int[] CLASS_TO_NPAGES = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2,
        9, 7, 5, 8, 3, 10, 7, 4};

    /** Smallest class whose size is at least 8*i bytes, for i in 0..4096. */
    private static final byte[] SIZE_TO_CLASS = new byte[MAX_SMALL_SIZE / 8 + 1];

    static {
        int c = 1;
        for (int i = 1; i < SIZE_TO_CLASS.length; i++) {
            while (CLASS_TO_SIZE[c] < i * 8) c++;
            SIZE_TO_CLASS[i] = (byte) c;
        }
        SIZE_TO_CLASS[0] = 1;
    }

    /** The class for a request of {@code size} bytes, 1..MAX_SMALL_SIZE. Go: size_to_class8/128 lookup in mallocgc. */
    public static int sizeToClass(int size) {
        return SIZE_TO_CLASS[(size + 7) >>> 3];
    }

    /** Bytes per object of class {@code c}. Go: class_to_size. */
    public static int classToSize(int c) {
        return CLASS_TO_SIZE[c];
    }

    /** Pages per span of class {@code c}. Go: class_to_allocnpages. */
    public static int classToNpages(int c) {
        return CLASS_TO_NPAGES[c];
    }

    /**
     * How many objects of class {@code c} move between a cache and the central list at a time:
     * about 64 KiB worth, between 2 and 32. Not in Go (its mcache swaps whole spans); the rule is
     * tcmalloc's num_objects_to_move.
     */
    public static int batch(int c) {
        return Math.max(2, Math.min(32, (64 << 10) / CLASS_TO_SIZE[c]));
    }
}
