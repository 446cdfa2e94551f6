package dev.gort.runtime.mem;

import java.util.Comparator;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The heap's free spans, searched best-fit. Go ≤1.12: mheap.free[1.._MaxMHeapList-1] (a list
 * per size in pages) and mheap.freelarge (a treap ordered by size, then address). Heap lock held
 * for every method.
 *
 * <p>A span with resident pages goes to the front of its list and a fully released one to the
 * back, so allocation reuses warm memory first and leaves released memory alone (Go 1.12 did the
 * same with its scavenged lists). A bitmap of non-empty lists finds the smallest fitting list
 * in two words instead of a scan.
 */
final class FreeSpans {
    /** Go: _MaxMHeapList (128 pages = 1 MiB). */
    static final int MAX_LIST = 128;

    private final MSpanList[] lists = new MSpanList[MAX_LIST];
    /** Bit i set: lists[i] is not empty. */
    private long nonEmpty0, nonEmpty1;
    private final TreeSet<MSpan> large = new TreeSet<>(
            Comparator.<MSpan>comparingInt(s -> s.npages).thenComparingLong(s -> s.startAddr));

    FreeSpans() {
        for (int i = 1; i < MAX_LIST; i++) lists[i] = new MSpanList();
    }

    void insert(MSpan s) {
        int n = s.npages;
        if (n < MAX_LIST) {
            if (s.npreleased == n) lists[n].insertBack(s);
            else lists[n].insert(s);
            if (n < 64) nonEmpty0 |= 1L << n;
            else nonEmpty1 |= 1L << (n - 64);
        } else {
            large.add(s);
        }
    }

    void remove(MSpan s) {
        int n = s.npages;
        if (n < MAX_LIST) {
            MSpanList l = lists[n];
            l.remove(s);
            if (l.isEmpty()) {
                if (n < 64) nonEmpty0 &= ~(1L << n);
                else nonEmpty1 &= ~(1L << (n - 64));
            }
        } else {
            boolean removed = large.remove(s);
            assert removed : s;
        }
    }

    /** The best-fitting free span of at least {@code npages}, still on the lists, or null. */
    MSpan find(int npages) {
        if (npages < MAX_LIST) {
            int idx = -1;
            if (npages < 64) {
                long m = nonEmpty0 & (-1L << npages);
                if (m != 0) idx = Long.numberOfTrailingZeros(m);
            }
            if (idx < 0) {
                long m = npages < 64 ? nonEmpty1 : nonEmpty1 & (-1L << (npages - 64));
                if (m != 0) idx = 64 + Long.numberOfTrailingZeros(m);
            }
            if (idx > 0) return lists[idx].first;
        }
        MSpan probe = new MSpan(null, Long.MIN_VALUE, 0, Math.max(npages, MAX_LIST));
        return large.ceiling(probe);
    }

    /** Calls {@code f} for every free span; {@code f} must not insert or remove. */
    void forEach(Consumer<MSpan> f) {
        for (int i = 1; i < MAX_LIST; i++) {
            for (MSpan s = lists[i].first; s != null; s = s.next) f.accept(s);
        }
        for (MSpan s : large) f.accept(s);
    }

    int count() {
        int c = large.size();
        for (int i = 1; i < MAX_LIST; i++) c += lists[i].count;
        return c;
    }
}
