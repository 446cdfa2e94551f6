package dev.gort.bench.mem;

import dev.gort.mem.Buffer;
import dev.gort.mem.Heap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 7: allocate + free of one off-heap buffer, side by side: gort's span heap
 * ({@link Heap#defaultHeap()}, unchecked), Netty's {@link PooledByteBufAllocator} (direct),
 * {@link ByteBuffer#allocateDirect} (freed by the GC's cleaner: the JDK has no explicit free) and
 * a confined {@link Arena} per buffer (closed at once). Each operation writes one long into the
 * buffer so that nothing is optimised away. Threads: run with {@code -t 1} and {@code -t 2}
 * ({@link MemBenchRun} does both in one run); on platform threads gort uses its striped caches
 * (the runtime's per-P caches are not wired yet).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:MaxDirectMemorySize=4g"})
@State(Scope.Thread)
public class MemBench {
    @Param({"4096", "65536"})
    public int size;

    private Heap heap;
    private PooledByteBufAllocator netty;

    @org.openjdk.jmh.annotations.Setup
    public void setup() {
        heap = Heap.defaultHeap();
        netty = PooledByteBufAllocator.DEFAULT;
    }

    @Benchmark
    public long gort() {
        Buffer b = heap.allocate(size);
        MemorySegment m = b.segment();
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1L);
        long a = m.address();
        b.free();
        return a;
    }

    @Benchmark
    public long netty() {
        ByteBuf b = netty.directBuffer(size, size);
        b.setLong(0, 1L);
        long a = b.capacity();
        b.release();
        return a;
    }

    @Benchmark
    public long allocateDirect() {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        b.putLong(0, 1L);
        return b.capacity();
    }

    @Benchmark
    public long arena() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(size);
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1L);
            return m.address();
        }
    }
}
