package dev.gort.net;

import dev.gort.runtime.Netpoll;
import dev.gort.runtime.PollDesc;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP listener on gort's network poller. Go: net.TCPListener.
 *
 * <p>{@link #accept()} parks a goroutine until a connection arrives (a thread that is not a
 * goroutine blocks). When the process is out of file descriptors (EMFILE), accept does not
 * fail: it backs off (5 ms, doubling to 1 s, as Go's net/http server does) and tries again,
 * so the listener works again as soon as descriptors are freed; {@link #acceptBackoffs()}
 * counts those waits. Close wakes a blocked accept with {@link NetClosedException}.
 */
public final class TcpListener implements Closeable {
    static final long BACKOFF_MIN_NS = 5_000_000L, BACKOFF_MAX_NS = 1_000_000_000L;

    private final ServerSocketChannel ch;
    private final PollDesc pd;
    private final Netpoll netpoll;
    private final InetSocketAddress local;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong backoffs = new AtomicLong();

    private TcpListener(ServerSocketChannel ch, PollDesc pd, Netpoll netpoll) throws IOException {
        this.ch = ch;
        this.pd = pd;
        this.netpoll = netpoll;
        this.local = (InetSocketAddress) ch.getLocalAddress();
    }

    /** Listens on every address at port (0: any free port). Go: net.Listen("tcp", ":port"). */
    public static TcpListener listen(int port) throws IOException {
        return listen(new InetSocketAddress(port), 0);
    }

    /** Listens on host:port (0: any free port). */
    public static TcpListener listen(String host, int port) throws IOException {
        return listen(TcpConn.resolve(host, port), 0);
    }

    /**
     * Listens on address with a backlog (0: the system's default). Throws
     * {@link AddressInUseException} if the address is taken.
     */
    public static TcpListener listen(InetSocketAddress address, int backlog) throws IOException {
        if (address.isUnresolved()) throw new java.net.UnknownHostException("listen tcp " + address + ": no such host");
        if (address.getPort() < 0 || address.getPort() > 65535) throw new IllegalArgumentException("gort: listen: bad port " + address.getPort());
        if (backlog < 0) throw new IllegalArgumentException("gort: listen: negative backlog " + backlog);
        String op = "listen tcp " + TcpConn.addr(address);
        Netpoll np = Netpoll.current();
        ServerSocketChannel ch;
        try {
            ch = ServerSocketChannel.open();
        } catch (IOException e) {
            throw NetErrors.map(e, op);
        }
        boolean ok = false;
        PollDesc pd = null;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true); // Go sets it on listeners
            ch.bind(address, backlog == 0 ? 4096 : backlog);
            ch.configureBlocking(false);
            pd = np.open(ch);
            TcpListener l = new TcpListener(ch, pd, np);
            ok = true;
            return l;
        } catch (IOException e) {
            throw NetErrors.map(e, op);
        } finally {
            if (!ok) {
                if (pd != null) pd.close(); else ch.close();
            }
        }
    }

    /** Waits for the next connection and returns it. Go: Accept. */
    public TcpConn accept() throws IOException {
        String op = "accept tcp " + TcpConn.addr(local);
        acceptLock.lock();
        try {
            int err = pd.reset('r');
            if (err != PollDesc.OK) throw NetErrors.poll(err, op);
            long backoff = 0;
            for (;;) {
                SocketChannel c;
                try {
                    c = ch.accept();
                } catch (IOException e) {
                    if (!NetErrors.isEmfile(e) || closed.get()) throw NetErrors.map(e, op);
                    // Out of descriptors: the connection stays in the backlog; wait and retry.
                    backoff = backoff == 0 ? BACKOFF_MIN_NS : Math.min(BACKOFF_MAX_NS, backoff * 2);
                    backoffs.incrementAndGet();
                    netpoll.backoffSleep(backoff);
                    err = pd.checkerr('r');
                    if (err != PollDesc.OK) throw NetErrors.poll(err, op);
                    continue;
                }
                if (c != null) {
                    backoff = 0;
                    TcpConn conn = adopt(c, op);
                    if (conn != null) return conn;
                    continue;
                }
                err = pd.await('r');
                if (err != PollDesc.OK) throw NetErrors.poll(err, op);
            }
        } finally {
            acceptLock.unlock();
        }
    }

    /** Registers an accepted channel; null if it could not be (closed at once, EMFILE on the selector). */
    private TcpConn adopt(SocketChannel c, String op) throws IOException {
        PollDesc cpd = null;
        try {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            cpd = netpoll.open(c);
            return new TcpConn(c, cpd, netpoll);
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (cpd != null) cpd.close(); else c.close();
            if (closed.get() || e instanceof java.nio.channels.ClosedSelectorException) throw new NetClosedException(op);
            return null; // the peer went away before we could look at it: take the next one
        }
    }

    /** Sets the accept deadline (null clears it). Go: SetDeadline. */
    public void setDeadline(Instant deadline) {
        pd.setDeadline(TcpConn.toNanotime(netpoll, deadline), 'r');
    }

    /** How many times accept backed off because the process was out of file descriptors. */
    public long acceptBackoffs() {
        return backoffs.get();
    }

    /** The address listened on (with the port chosen, for port 0). */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The port listened on. */
    public int port() {
        return local.getPort();
    }

    /** Closes the listener; a blocked accept throws {@link NetClosedException}. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) throw new NetClosedException("close tcp " + TcpConn.addr(local));
        pd.close();
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "TcpListener[" + TcpConn.addr(local) + (closed.get() ? ", closed]" : "]");
    }
}
