package dev.gort.net;

import dev.gort.mem.Buffer;
import dev.gort.runtime.Netpoll;
import dev.gort.runtime.PollDesc;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP connection on gort's network poller. Go: net.TCPConn (over internal/poll.FD).
 *
 * <p>A goroutine blocked in {@link #read} or {@link #write} parks on the connection's pollDesc
 * and its P runs other goroutines; the poller makes it runnable when the socket is ready. A
 * thread that is not a goroutine may use the same methods: it blocks. One reader and one writer
 * at a time (others queue, as on Go's fdMutex); reads and writes may run concurrently, and
 * {@link #close()} from any thread wakes both.
 *
 * <p>Errors: {@link ConnectionRefusedException}, {@link ConnectionResetException},
 * {@link DeadlineExceededException} (the connection stays usable), {@link NetClosedException}.
 */
public final class TcpConn implements Closeable {
    private final SocketChannel ch;
    private final PollDesc pd;
    private final Netpoll netpoll;
    private final ReentrantLock readLock = new ReentrantLock(), writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final InetSocketAddress local, remote;
    private final String name;

    TcpConn(SocketChannel ch, PollDesc pd, Netpoll netpoll) throws IOException {
        this.ch = ch;
        this.pd = pd;
        this.netpoll = netpoll;
        this.local = (InetSocketAddress) ch.getLocalAddress();
        this.remote = (InetSocketAddress) ch.getRemoteAddress();
        this.name = "tcp " + addr(local) + "->" + addr(remote);
    }

    static String addr(InetSocketAddress a) {
        if (a == null) return "?";
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /** Connects to host:port with no timeout (the OS's own, about two minutes, applies). */
    public static TcpConn dial(String host, int port) throws IOException {
        return dial(resolve(host, port), null);
    }

    /**
     * Connects to host:port, giving up with {@link DeadlineExceededException} after timeout. The
     * timeout covers the connection, not the name lookup (the JDK's resolver has no deadline).
     */
    public static TcpConn dial(String host, int port, Duration timeout) throws IOException {
        return dial(resolve(host, port), timeout);
    }

    /**
     * host:port with host looked up. The JDK's resolver blocks its thread (getaddrinfo, a
     * native call that pins a goroutine to its carrier), so a goroutine declares it as a
     * syscall: sysmon hands its P to other goroutines if the lookup takes long, as for any
     * declared blocking call, instead of treating the goroutine as a runaway. Go: the cgo
     * resolver's call runs in entersyscall. An unknown host comes back unresolved; dial and
     * listen then throw UnknownHostException.
     */
    static InetSocketAddress resolve(String host, int port) {
        try (dev.gort.SyscallScope s = dev.gort.Gort.enterSyscall()) {
            return new InetSocketAddress(host, port);
        }
    }

    /**
     * Connects to address (null or zero timeout: none, as Go's zero Dialer.Timeout). Go:
     * net.DialTimeout("tcp", ...). Throws
     * {@link ConnectionRefusedException}, {@link DeadlineExceededException},
     * {@link TooManyOpenFilesException}, or {@link java.net.UnknownHostException} for an
     * unresolved address.
     */
    public static TcpConn dial(InetSocketAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "gort: dial: address must not be null");
        String op = "dial tcp " + addr(address);
        if (address.isUnresolved()) throw new java.net.UnknownHostException(op + ": no such host " + address.getHostString());
        if (timeout != null && timeout.isNegative()) throw new IllegalArgumentException("gort: dial: negative timeout " + timeout);
        Netpoll np = Netpoll.current();
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
        } catch (IOException e) {
            throw NetErrors.map(e, op);
        }
        PollDesc pd = null;
        boolean ok = false;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // Go's default
            pd = np.open(ch);
            if (timeout != null && !timeout.isZero()) pd.setDeadline(np.nanotime() + timeout.toNanos(), 'w');
            boolean done = ch.connect(address);
            while (!done) {
                int err = pd.await('w');
                if (err != PollDesc.OK) throw NetErrors.poll(err, op);
                done = ch.finishConnect();
            }
            pd.setDeadline(0, 'w');
            TcpConn c = new TcpConn(ch, pd, np);
            ok = true;
            return c;
        } catch (IOException e) {
            throw NetErrors.map(e, op);
        } finally {
            if (!ok) {
                if (pd != null) pd.close(); else ch.close();
            }
        }
    }

    /**
     * Reads into dst: blocks until at least one byte is read, and returns how many, or -1 at
     * the end of the stream (the peer closed its side), or 0 if dst is full.
     */
    public int read(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            int err = pd.reset('r');
            if (err != PollDesc.OK) throw NetErrors.poll(err, "read " + name);
            for (;;) {
                int n;
                try {
                    n = ch.read(dst);
                } catch (IOException e) {
                    throw NetErrors.map(e, "read " + name);
                }
                if (n != 0 || !dst.hasRemaining()) return n;
                err = pd.await('r');
                if (err != PollDesc.OK) throw NetErrors.poll(err, "read " + name);
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads into b[off, off+len): as {@link #read(ByteBuffer)}, through a direct buffer from gort's
     * span heap (at most 64 KiB a call).
     */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        int n = Math.min(len, NetBuffers.MAX_CHUNK);
        Buffer buf = NetBuffers.get(n);
        if (buf == null) return read(ByteBuffer.wrap(b, off, len));
        try {
            ByteBuffer bb = buf.byteBuffer().clear().limit(n);
            int got = read(bb);
            if (got > 0) bb.get(0, b, off, got);
            return got;
        } finally {
            buf.free();
        }
    }

    /** Reads into b: as {@link #read(ByteBuffer)}. */
    public int read(byte[] b) throws IOException {
        return read(b, 0, b.length);
    }

    /** Writes all of src, waiting for the socket's buffer as needed; returns the count written. */
    public int write(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            int err = pd.reset('w');
            if (err != PollDesc.OK) throw NetErrors.poll(err, "write " + name);
            int total = 0;
            while (src.hasRemaining()) {
                int n;
                try {
                    n = ch.write(src);
                } catch (IOException e) {
                    throw NetErrors.map(e, "write " + name);
                }
                total += n;
                if (n == 0) {
                    err = pd.await('w');
                    if (err != PollDesc.OK) throw NetErrors.poll(err, "write " + name);
                }
            }
            return total;
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes all of b[off, off+len), through a direct buffer from gort's span heap (64 KiB at a time). */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return;
        Buffer buf = NetBuffers.get(Math.min(len, NetBuffers.MAX_CHUNK));
        if (buf == null) {
            write(ByteBuffer.wrap(b, off, len));
            return;
        }
        try {
            ByteBuffer bb = buf.byteBuffer();
            while (len > 0) {
                int n = Math.min(len, NetBuffers.MAX_CHUNK);
                bb.clear().put(0, b, off, n).limit(n);
                write(bb);
                off += n;
                len -= n;
            }
        } finally {
            buf.free();
        }
    }

    /** Writes all of b. */
    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /**
     * Sets the read deadline: a read waiting at or after it throws
     * {@link DeadlineExceededException}; null clears it; a time already past makes waiting
     * reads fail at once. Go: SetReadDeadline.
     */
    public void setReadDeadline(Instant deadline) {
        pd.setDeadline(toNanotime(netpoll, deadline), 'r');
    }

    /** Sets the write deadline, as {@link #setReadDeadline}. Go: SetWriteDeadline. */
    public void setWriteDeadline(Instant deadline) {
        pd.setDeadline(toNanotime(netpoll, deadline), 'w');
    }

    /** Sets both deadlines. Go: SetDeadline. */
    public void setDeadline(Instant deadline) {
        pd.setDeadline(toNanotime(netpoll, deadline), 'b');
    }

    /** An Instant on the runtime's nanotime clock (0: none, saturating, never 0 otherwise). */
    static long toNanotime(Netpoll np, Instant deadline) {
        if (deadline == null) return 0;
        long now = np.nanotime();
        long d;
        try {
            d = Duration.between(Instant.now(), deadline).toNanos();
        } catch (ArithmeticException e) {
            d = deadline.isBefore(Instant.now()) ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
        long t = now + Math.max(Long.MIN_VALUE / 4, Math.min(Long.MAX_VALUE / 4, d));
        return t == 0 ? 1 : t;
    }

    /** Shuts down the sending side (the peer reads end of stream); reading goes on. Go: CloseWrite. */
    public void closeWrite() throws IOException {
        if (closed.get()) throw new NetClosedException("close " + name);
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            throw NetErrors.map(e, "close " + name);
        }
    }

    /**
     * Closes the connection. Readers and writers blocked on it wake with
     * {@link NetClosedException}. A second close throws NetClosedException, as Go's does.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) throw new NetClosedException("close " + name);
        pd.close();
    }

    /** Whether close has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** A java.io view: reads as {@link #read(byte[], int, int)}; closing it closes the connection. */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = TcpConn.this.read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                return TcpConn.this.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (!isClosed()) TcpConn.this.close();
            }
        };
    }

    /** A java.io view: writes as {@link #write(byte[], int, int)}; closing it closes the connection. */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                TcpConn.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                TcpConn.this.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (!isClosed()) TcpConn.this.close();
            }
        };
    }

    @Override
    public String toString() {
        return "TcpConn[" + name + (closed.get() ? ", closed]" : "]");
    }
}
