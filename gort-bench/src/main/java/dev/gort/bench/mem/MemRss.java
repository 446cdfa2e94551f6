package dev.gort.bench.mem;

import dev.gort.mem.Buffer;
import dev.gort.mem.Heap;
import dev.gort.runtime.mem.MHeap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 7's RSS experiment: in one fresh child JVM per allocator, RSS ({@code /proc/self/status}
 * VmRSS) at start, after allocating and writing 512 MiB in 64 KiB buffers, and after freeing them
 * all (allocateDirect: dropped and collected; Arena: each closed; Netty: released); for gort also
 * after its scavenger ran with a 1 s limit (called here as sysmon will: every 250 ms from the
 * moment of the frees); then, the same for every allocator, after the test's references are
 * dropped and two collections ran. Prints a Markdown table with "RSS at the end − RSS at start".
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp gort-bench/target/gort-bench.jar dev.gort.bench.mem.MemRss [allocator...]</pre>
 */
public final class MemRss {
    private MemRss() {}

    static final long MIB = 1 << 20;
    static final int SIZE = 64 << 10;
    static final int COUNT = (int) (512 * MIB / SIZE);
    static final String[] ALL = {"gort", "netty", "allocateDirect", "arena"};

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(args[1]);
            return;
        }
        String[] which = args.length == 0 ? ALL : args;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> rows = new ArrayList<>();
        for (String a : which) {
            List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=2g", "-cp", cp, MemRss.class.getName(), "--child", a);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String row = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("ROW ")) row = line.substring(4);
                    else System.out.println("  [" + a + "] " + line);
                }
            }
            if (p.waitFor() != 0 || row == null) throw new IllegalStateException(a + ": child failed (exit " + p.exitValue() + ")");
            rows.add(row);
        }
        System.out.println();
        System.out.println("| allocator | RSS at start | after writing 512 MiB | after free | after scavenge (1 s limit) | after GC | end − start |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        rows.forEach(System.out::println);
    }

    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
        throw new IllegalStateException("no VmRSS");
    }

    static void child(String which) throws Exception {
        // Before the start figure: each allocator's classes loaded and its paths run once on a
        // few buffers (for gort also the scavenger, whose madvise downcall is linked on first use),
        // so that class loading and JIT code are not counted as memory kept after the free.
        Runnable warm = switch (which) {
            case "gort" -> () -> {
                Buffer[] b = new Buffer[32];
                for (int i = 0; i < b.length; i++) (b[i] = Heap.defaultHeap().allocate(SIZE)).segment().fill((byte) 1);
                for (Buffer x : b) x.free();
                MHeap.defaultHeap().scavenge(System.nanoTime(), -1);
            };
            case "netty" -> () -> {
                ByteBuf[] b = new ByteBuf[32];
                for (int i = 0; i < b.length; i++) (b[i] = PooledByteBufAllocator.DEFAULT.directBuffer(SIZE, SIZE)).setZero(0, SIZE);
                for (ByteBuf x : b) x.release();
            };
            case "allocateDirect" -> () -> {
                for (int i = 0; i < 32; i++) ByteBuffer.allocateDirect(SIZE).put(0, (byte) 1);
            };
            case "arena" -> () -> {
                for (int i = 0; i < 32; i++) {
                    try (Arena a = Arena.ofShared()) {
                        a.allocate(SIZE).fill((byte) 1);
                    }
                }
            };
            default -> throw new IllegalArgumentException("unknown allocator " + which + "; one of gort, netty, allocateDirect, arena");
        };
        warm.run();
        System.gc();
        Thread.sleep(200);
        long start = rss();
        long full, freed, scavenged = -1;
        switch (which) {
            case "gort" -> {
                Heap h = Heap.defaultHeap();
                Buffer[] b = new Buffer[COUNT];
                for (int i = 0; i < COUNT; i++) (b[i] = h.allocate(SIZE)).segment().fill((byte) 1);
                full = rss();
                for (Buffer x : b) x.free();
                long t0 = System.nanoTime();
                freed = rss();
                MHeap mh = MHeap.defaultHeap();
                long released = 0;
                while (System.nanoTime() - t0 < 3_000_000_000L) {
                    Thread.sleep(250);
                    released += mh.scavenge(System.nanoTime(), 1_000_000_000L);
                    if (released > 0 && released >= mh.readMemStats().heapIdle() - mh.readMemStats().heapReleased()) break;
                }
                scavenged = rss();
                System.out.printf("scavenged %d MiB %d ms after the frees; %s%n", released / MIB, (System.nanoTime() - t0) / 1_000_000,
                        h.memStats());
                b = null;
            }
            case "netty" -> {
                ByteBuf[] b = new ByteBuf[COUNT];
                for (int i = 0; i < COUNT; i++) {
                    b[i] = PooledByteBufAllocator.DEFAULT.directBuffer(SIZE, SIZE);
                    b[i].setZero(0, SIZE);
                    b[i].setByte(0, 1);
                }
                full = rss();
                for (ByteBuf x : b) x.release();
                Thread.sleep(1100);
                freed = rss();
                b = null;
            }
            case "allocateDirect" -> {
                ByteBuffer[] b = new ByteBuffer[COUNT];
                for (int i = 0; i < COUNT; i++) {
                    b[i] = ByteBuffer.allocateDirect(SIZE);
                    b[i].put(0, (byte) 1);
                }
                full = rss();
                b = null;
                for (int i = 0; i < 5; i++) {
                    System.gc();
                    Thread.sleep(200);
                }
                freed = rss();
            }
            default -> {
                Arena[] a = new Arena[COUNT];
                for (int i = 0; i < COUNT; i++) {
                    a[i] = Arena.ofShared();
                    MemorySegment m = a[i].allocate(SIZE);
                    m.fill((byte) 1);
                }
                full = rss();
                for (Arena x : a) x.close();
                Thread.sleep(1100);
                freed = rss();
                a = null;
            }
        }
        // The same last step for every allocator: the handles are dropped, two collections run
        // (the JVM's own garbage from the test, handles and arenas, goes), then RSS.
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long end = rss();
        System.out.printf("ROW | %s | %d MiB | %d MiB | %d MiB | %s | %d MiB | %+.1f MiB |%n", which, start / MIB, full / MIB, freed / MIB,
                scavenged >= 0 ? scavenged / MIB + " MiB" : "—", end / MIB, (end - start) / (double) MIB);
    }
}
