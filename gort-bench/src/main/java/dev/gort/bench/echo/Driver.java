package dev.gort.bench.echo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One thread of the {@link LoadGen}: a NIO {@link Selector} over its share of the connections,
 * all non-blocking, and a closed loop on each: send a message, read all of it back, check it
 * byte for byte, record the round trip, send the next. Each connection is a small state machine
 * in {@link Conn}: it always waits for its echo (interest OP_READ) and, while a message did not
 * fit into the socket's send buffer, also for room to write the rest (OP_WRITE). Nothing is
 * allocated per round trip.
 *
 * <p>A round trip is timed from the moment its message is handed to the socket to the moment its
 * last byte has been read. Throughput counts the round trips that complete inside [warmupEnd,
 * windowEnd); the histogram holds those that <em>start</em> inside it, so the round trips still in
 * flight at windowEnd are waited for (a connection sends nothing more once its echo is back after
 * windowEnd): a server that stalls near the end of the window shows in the tail, or, if some echo
 * has not come back drainNs after windowEnd, as {@link #stuck()} connections. A short echo, a byte
 * that differs, or an end of stream ends the run with an error: the benchmark measures only
 * correct echoes.
 */
final class Driver implements Runnable {
    /** Bytes of each message that carry its sequence number (little-endian); the rest is random per connection. */
    private static final int STAMP = 8;
    /** The longest select: how late the thread notices the window's end when nothing arrives. Arbitrary. */
    private static final long SELECT_MS = 50;

    /** One connection's state: its buffers, the round trip in flight and whether it waits to write. */
    static final class Conn {
        final int id;
        final SocketChannel ch;
        final ByteBuffer out, in;
        SelectionKey key;
        long seq, sentAt;
        boolean writeInterest, finished; // finished: its echo came back after windowEnd; it sends no more

        Conn(int id, SocketChannel ch, int size) {
            this.id = id;
            this.ch = ch;
            out = ByteBuffer.allocateDirect(size);
            in = ByteBuffer.allocateDirect(size);
            SplittableRandom r = new SplittableRandom(id * 0x9E3779B97F4A7C15L + size);
            for (int i = 0; i < size; i++) out.put(i, (byte) r.nextInt());
        }
    }

    private final Selector selector;
    private final Conn[] conns;
    private final int size;
    private final long warmupEnd, windowEnd, drainNs;
    /** Connections finished after windowEnd (owner thread only). */
    private int finished;

    final Histogram histogram = new Histogram();
    /** Round trips completed in the window. Owner thread only; read after join. */
    long measured;
    /** Round trips completed since the start (owner thread writes; others read it only for a message). */
    long completed;
    /** When the last round trip completed (nanoTime): read by LoadGen's stall watch. */
    volatile long lastCompletion;
    /** Why the thread stopped early, or null. */
    volatile String error;

    Driver(List<Conn> conns, int size, long start, long warmupEnd, long windowEnd, long drainNs) throws IOException {
        this.selector = Selector.open();
        this.conns = conns.toArray(new Conn[0]);
        this.size = size;
        this.warmupEnd = warmupEnd;
        this.windowEnd = windowEnd;
        this.drainNs = drainNs;
        this.lastCompletion = start;
        for (Conn c : this.conns) c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
    }

    @Override
    public void run() {
        try {
            long now = System.nanoTime();
            for (Conn c : conns) send(c, now);
            while (finished < conns.length && System.nanoTime() - (windowEnd + drainNs) < 0) {
                selector.select(this::ready, SELECT_MS);
            }
        } catch (Throwable e) {
            error = e instanceof EchoFailure ? e.getMessage() : String.valueOf(e);
        }
    }

    /**
     * After run: the connections whose round trip in flight at windowEnd had not come back drainNs
     * later, and how long the oldest of them had waited by then (ns).
     */
    long[] stuck() {
        long n = 0, oldest = 0;
        for (Conn c : conns) {
            if (c.finished) continue;
            n++;
            oldest = Math.max(oldest, windowEnd + drainNs - c.sentAt);
        }
        return new long[] {n, oldest};
    }

    int connections() {
        return conns.length;
    }

    void closeAll() {
        try {
            selector.close();
        } catch (IOException e) {
            // closing at the end of the run
        }
        for (Conn c : conns) {
            try {
                c.ch.close();
            } catch (IOException e) {
                // closing at the end of the run
            }
        }
    }

    private void ready(SelectionKey k) {
        Conn c = (Conn) k.attachment();
        try {
            if (k.isWritable()) flush(c);
            if (k.isReadable()) receive(c);
        } catch (IOException e) {
            throw new EchoFailure("connection " + c.id + ", round trip " + c.seq + ": " + e);
        }
    }

    /** Starts the next round trip: stamps the message with its sequence number and writes what fits. */
    private void send(Conn c, long now) throws IOException {
        for (int i = 0; i < Math.min(STAMP, size); i++) c.out.put(i, (byte) (c.seq >>> (8 * i)));
        c.out.clear();
        c.in.clear();
        c.sentAt = now;
        flush(c);
    }

    /** Writes what the socket takes of the message; waits for OP_WRITE while some of it is left. */
    private void flush(Conn c) throws IOException {
        if (c.out.hasRemaining()) c.ch.write(c.out);
        boolean pending = c.out.hasRemaining();
        if (pending != c.writeInterest) {
            c.writeInterest = pending;
            c.key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    /** Reads what has arrived of the echo; when all of it has, checks it, records the round trip and sends the next. */
    private void receive(Conn c) throws IOException {
        int n = c.ch.read(c.in);
        if (n < 0) {
            throw new EchoFailure("connection " + c.id + ": the server closed it after " + c.in.position() + " of "
                    + size + " bytes of round trip " + c.seq);
        }
        if (c.in.hasRemaining()) return;
        long now = System.nanoTime();
        c.in.flip();
        c.out.rewind(); // all of it was written: the server cannot echo what it has not received
        int m = c.in.mismatch(c.out);
        if (m >= 0) {
            throw new EchoFailure("echo mismatch on connection " + c.id + ", round trip " + c.seq + ", byte " + m
                    + " of " + size + ": sent " + c.out.get(m) + ", got " + c.in.get(m));
        }
        if (c.sentAt - warmupEnd >= 0 && c.sentAt - windowEnd < 0) histogram.record(now - c.sentAt);
        if (now - warmupEnd >= 0 && now - windowEnd < 0) measured++;
        completed++;
        lastCompletion = now;
        c.seq++;
        if (now - windowEnd >= 0) {
            c.finished = true;
            finished++;
            return;
        }
        send(c, now);
    }
}
