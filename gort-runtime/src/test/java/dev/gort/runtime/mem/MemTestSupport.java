package dev.gort.runtime.mem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongSupplier;

/** Test support for the span heap (Go's export_test.go pattern): a synthetic clock and raw memory access. */
final class MemTestSupport {
    private MemTestSupport() {}

    static final long SEC = 1_000_000_000L;
    static final int PAGE = SizeClasses.PAGE_SIZE;

    /** A clock that moves only when told. */
    static final class FakeClock implements LongSupplier {
        private long now = 1_000 * SEC;

        @Override
        public long getAsLong() {
            return now;
        }

        long now() {
            return now;
        }

        void advance(long ns) {
            now += ns;
        }
    }

    static MemorySegment mem(long addr, long len) {
        return MemorySegment.ofAddress(addr).reinterpret(len);
    }

    static void fill(long addr, long len, byte v) {
        mem(addr, len).fill(v);
    }

    /** Whether every byte of [addr, addr+len) is {@code v}. */
    static boolean all(long addr, long len, byte v) {
        MemorySegment m = mem(addr, len);
        for (long i = 0; i < len; i += 8) {
            long x = m.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
            long want = (v & 0xffL) * 0x0101010101010101L;
            if (x != want) return false;
        }
        return true;
    }

    /** A large span straight from the heap's central path, its pages touched. */
    static MSpan large(MHeap h, int npages, byte fillWith) {
        MSpan s = h.mallocLarge(npages);
        fill(s.startAddr, s.bytes(), fillWith);
        return s;
    }

    /** Free spans, heap lock taken. */
    static MSpan freeSpanAt(MHeap h, long addr) {
        h.lock.lock();
        try {
            MSpan s = h.spanOf(addr);
            return s != null && s.state == MSpan.STATE_FREE ? s : null;
        } finally {
            h.lock.unlock();
        }
    }
}
