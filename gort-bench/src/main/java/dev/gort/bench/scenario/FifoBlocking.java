package dev.gort.bench.scenario;

import dev.gort.Gort;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Scenario (b): every processor's goroutine blocks reading a FIFO (one FIFO per reader:
 * {@code open} blocks until a writer appears, then {@code read} until data arrives), and a
 * ticker that sleeps 1 ms in a loop measures how late the other goroutines run.
 *
 * <p>gort {@code declared}: the open and read run inside {@code Gort.syscall}, so the P is left
 * in _Psyscall and sysmon retakes it. gort {@code undeclared}: a plain {@code FileInputStream}
 * read; sysmon sees the carrier's CPU time stop and the kernel report it sleeping, and hands
 * its P off. JDK: a plain read (the JDK's file-I/O compensation cannot add a carrier because
 * maxPoolSize equals the parallelism).
 *
 * <p>At the end the platform main thread opens each FIFO read-write (which never blocks on
 * Linux), writes one byte and keeps it open until the reader has read it.
 */
final class FifoBlocking {
    private FifoBlocking() {}

    static final int READERS = 2;

    static Map<String, Double> run(String scheduler, boolean declared, long windowMs) throws Exception {
        Map<String, Double> out = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory("gort-fifo");
        List<Path> fifos = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            Path f = dir.resolve("fifo" + i);
            Process p = new ProcessBuilder("mkfifo", f.toString()).inheritIO().start();
            if (p.waitFor() != 0) throw new IOException("mkfifo " + f + " failed");
            fifos.add(f);
        }
        Env env = Env.of(scheduler, 2);
        CountDownLatch readersDone = new CountDownLatch(READERS);
        int[] got = new int[READERS];
        for (int i = 0; i < READERS; i++) {
            int k = i;
            Path f = fifos.get(i);
            env.go(() -> {
                try {
                    got[k] = declared ? Gort.syscall(() -> readOne(f)) : readOne(f);
                } catch (Exception e) {
                    got[k] = -2;
                } finally {
                    readersDone.countDown();
                }
            });
        }
        Thread.sleep(100); // both readers are blocked by now (the JDK: on both carriers)
        Ticker ticker = new Ticker();
        ticker.start(env);
        Thread.sleep(windowMs);
        ticker.stop = true;
        out.put("readersblocked", (double) readersDone.getCount());
        List<RandomAccessFile> writers = new ArrayList<>();
        for (Path f : fifos) {
            RandomAccessFile w = new RandomAccessFile(f.toFile(), "rw");
            w.write(42);
            writers.add(w);
        }
        boolean ended = readersDone.await(30, TimeUnit.SECONDS) & ticker.done.await(30, TimeUnit.SECONDS);
        for (RandomAccessFile w : writers) w.close();
        out.putAll(env.counters());
        String err = env.shutdown();
        for (Path f : fifos) Files.deleteIfExists(f);
        Files.deleteIfExists(dir);
        if (!ended) throw new IllegalStateException("readers or ticker did not end within 30 s of the release");
        if (err != null) throw new IllegalStateException(err);
        for (int g : got) if (g != 42) throw new IllegalStateException("a reader read " + g + ", not 42");
        ticker.report(out);
        return out;
    }

    private static int readOne(Path f) throws IOException {
        try (FileInputStream in = new FileInputStream(f.toFile())) {
            return in.read();
        }
    }
}
