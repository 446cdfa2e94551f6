package dev.gort.runtime.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Go's size-class table and gort's lookup of it. */
class SizeClassesTest {
    @Test
    void everySizeGetsTheSmallestClassThatHoldsIt() {
        for (int n = 1; n <= SizeClasses.MAX_SMALL_SIZE; n++) {
            int c = SizeClasses.sizeToClass(n);
            assertTrue(SizeClasses.classToSize(c) >= n, "size " + n);
            assertTrue(c == 1 || SizeClasses.classToSize(c - 1) < n, "size " + n + " class " + c + " not the smallest");
        }
        assertEquals(SizeClasses.NUM_SIZE_CLASSES - 1, SizeClasses.sizeToClass(SizeClasses.MAX_SMALL_SIZE));
        assertEquals(43, SizeClasses.sizeToClass(4096)); // Go: class 43 is 4096 bytes, 1 page
    }

    @Test
    void spansWasteAtMostAnEighth() {
        for (int c = 1; c < SizeClasses.NUM_SIZE_CLASSES; c++) {
            long span = (long) SizeClasses.classToNpages(c) * SizeClasses.PAGE_SIZE;
            int size = SizeClasses.classToSize(c);
            assertTrue(span >= size, "class " + c);
            assertTrue((span % size) * 8 <= span, "class " + c + " wastes " + span % size + " of " + span);
            assertTrue(SizeClasses.batch(c) >= 2 && SizeClasses.batch(c) <= 32);
        }
    }
}
