package dev.gort.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection's state in the poller. Go: netpoll.go pollDesc.
 *
 * <p>{@code rg} and {@code wg} hold the reader's and the writer's state, as in Go: {@code null}
 * (pdNil: nobody waits, no readiness noted), {@link #READY} (pdReady: readiness arrived with no
 * waiter; the next wait consumes it) or the waiting thread. Go needs a fourth state, pdWait,
 * for the moment between deciding to park and parking; on the JVM the park permit covers that
 * moment (an unpark before the park is not lost), so the waiting thread is published directly.
 * Exactly one party swaps a thread out of its slot (the poll, a deadline, a close), and only
 * that party unparks it: a wake-up is never lost and a waiter is never woken twice.
 *
 * <p>Deadlines are Go's: {@code rd}/{@code wd} are 0 (none), a nanotime, or -1 (passed), and a
 * runtime timer per direction fires {@link #deadlineFired}. {@code rseq}/{@code wseq} change on
 * every reset and close, so a timer from an older setting does nothing.
 */
public final class PollDesc {
    /** pdReady. */
    static final Object READY = new Object() {
        @Override
        public String toString() {
            return "pdReady";
        }
    };

    /** Go's poll error codes. */
    public static final int OK = 0, ERR_CLOSING = 1, ERR_TIMEOUT = 2;

    final Netpoll netpoll;
    final SelectableChannel channel;
    volatile SelectionKey key;
    private volatile Object rg, wg;
    private static final VarHandle RG, WG;

    // Guarded by this (Go: pd.lock).
    private boolean closing;
    private long rd, wd;
    private int rseq, wseq;
    private Timers.Timer rt, wt;
    /** Directions armed in the key's interest set; guarded by this. */
    private int armedOps;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RG = l.findVarHandle(PollDesc.class, "rg", Object.class);
            WG = l.findVarHandle(PollDesc.class, "wg", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    PollDesc(Netpoll netpoll, SelectableChannel channel) {
        this.netpoll = netpoll;
        this.channel = channel;
    }

    private VarHandle slot(char mode) {
        return mode == 'r' ? RG : WG;
    }

    /**
     * Before an I/O attempt: forgets a readiness noted earlier (the attempt will find out) and
     * returns the error that forbids the attempt, if any. Go: poll_runtime_pollReset.
     */
    public int reset(char mode) {
        int err = checkerr(mode);
        if (err != OK) return err;
        slot(mode).compareAndSet(this, READY, null);
        return OK;
    }

    /** Go: netpollcheckerr. */
    public synchronized int checkerr(char mode) {
        if (closing) return ERR_CLOSING;
        if ((mode == 'r' && rd < 0) || (mode == 'w' && wd < 0)) return ERR_TIMEOUT;
        return OK;
    }

    /**
     * Waits until the channel is ready for mode ('r': read or accept, 'w': write or connect),
     * a deadline passes or the descriptor is closed. Returns OK, ERR_CLOSING or ERR_TIMEOUT.
     * A goroutine parks (its P runs others); any other thread blocks. Go: poll_runtime_pollWait
     * → netpollblock.
     */
    public int await(char mode) throws InterruptedIOException {
        int err = checkerr(mode);
        if (err != OK) return err;
        VarHandle slot = slot(mode);
        Thread me = Thread.currentThread();
        for (;;) {
            Object v = slot.getVolatile(this);
            if (v == READY) {
                if (slot.compareAndSet(this, READY, null)) return OK;
            } else if (v == null) {
                if (slot.compareAndSet(this, null, me)) break;
            } else {
                throw new IllegalStateException("gort: netpollblock: two waiters on one " + (mode == 'r' ? "read" : "write")
                        + " side (" + v + " and " + me + ")");
            }
        }
        // Published. Arm the direction (a close or deadline that came in between is seen by the
        // re-check below, and it swaps us out itself).
        boolean wake = false;
        synchronized (this) {
            int op = mode == 'r' ? readOp() : writeOp();
            if ((armedOps & op) == 0 && !closing) {
                try {
                    key.interestOpsOr(op);
                    armedOps |= op;
                    wake = true;
                } catch (CancelledKeyException e) {
                    // closed: the close unblocks us
                }
            }
        }
        netpoll.waiters.incrementAndGet();
        try {
            if (wake) netpoll.armed();
            // A goroutine of this runtime has an M that polls when it runs out of work; any other
            // waiter needs a poller whether or not it had to arm (a read side stays armed).
            if (!isOurs(me)) netpoll.wakeNetPoller();
            if (checkerr(mode) != OK) wake(mode); // raced a close or a deadline
            boolean goroutine = Proc.getg() != null;
            if (goroutine) Proc.setParkingReason(WaitReason.IO_WAIT, false);
            try {
                while (slot.getVolatile(this) == me) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        if (slot.compareAndSet(this, me, null)) {
                            me.interrupt();
                            throw new InterruptedIOException("gort: interrupted while waiting for " + (mode == 'r' ? "read" : "write"));
                        }
                        me.interrupt(); // woken anyway: keep the flag for the caller
                    }
                }
            } finally {
                if (goroutine) Proc.setParkingReason(null);
            }
        } finally {
            netpoll.waiters.decrementAndGet();
        }
        Object old = slot.getAndSet(this, null);
        if (old == READY) return OK;
        err = checkerr(mode);
        return err; // OK here: a spurious wake (deadline moved): the caller retries its I/O
    }

    /** Whether t is a goroutine of this runtime (its M will poll when it runs out of work). */
    private boolean isOurs(Thread t) {
        G gp = Proc.getg();
        return gp != null && gp.sched == netpoll.sched && gp.thread == t;
    }

    private int readOp() {
        return (channel.validOps() & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
    }

    private int writeOp() {
        int valid = channel.validOps();
        return (valid & SelectionKey.OP_CONNECT) != 0 && isConnectPending() ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
    }

    private boolean isConnectPending() {
        return channel instanceof java.nio.channels.SocketChannel sc && sc.isConnectionPending();
    }

    /**
     * The poll found mode ready: returns the waiter to wake, or null (readiness noted, and the
     * direction disarmed so that level-triggered polls do not report it again and again).
     * Poller only. Go: netpollready → netpollunblock(pd, mode, true).
     */
    Thread netpollready(char mode) {
        synchronized (this) {
            Thread t = unblock(mode, true);
            if (t == null) {
                int op = mode == 'r' ? (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT) : (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
                disarm(op);
            } else if (mode == 'w') {
                // Writability is nearly always true: keep the write side armed only while waited for.
                disarm(SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
            }
            return t;
        }
    }

    private void disarm(int op) {
        int mine = armedOps & op;
        if (mine == 0) return;
        armedOps &= ~mine;
        try {
            key.interestOpsAnd(~mine);
        } catch (CancelledKeyException ignored) {
            // closed
        }
    }

    /**
     * Takes the waiter out of mode's slot: with ioready the slot becomes READY (noting the
     * readiness if nobody waited), else empty. Returns the thread to unpark, or null.
     * Go: netpollunblock.
     */
    private Thread unblock(char mode, boolean ioready) {
        VarHandle slot = slot(mode);
        for (;;) {
            Object old = slot.getVolatile(this);
            if (old == READY) return null;
            if (old == null && !ioready) return null;
            if (slot.compareAndSet(this, old, ioready ? READY : null)) return old instanceof Thread t ? t : null;
        }
    }

    /** Takes mode's waiter out without readiness (a deadline, a close) and wakes it, which then checks why. */
    private void wake(char mode) {
        Thread t = unblock(mode, false);
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * Sets the deadline of mode ('r', 'w', or 'b' for both) to a nanotime, 0 for none, or a
     * time already past; wakes a waiter whose deadline has passed. Go: poll_runtime_pollSetDeadline.
     */
    public void setDeadline(long deadline, char mode) {
        boolean wakeR = false, wakeW = false;
        synchronized (this) {
            if (closing) return;
            long now = netpoll.sched.clock.nanotime();
            long d = deadline == 0 ? 0 : (deadline <= now ? -1 : deadline);
            if (mode == 'r' || mode == 'b') {
                rseq++;
                if (rt != null) Timers.stop(rt);
                rd = d;
                if (d > 0) rt = startDeadline(d, 'r', rseq);
                wakeR = d < 0;
            }
            if (mode == 'w' || mode == 'b') {
                wseq++;
                if (wt != null) Timers.stop(wt);
                wd = d;
                if (d > 0) wt = startDeadline(d, 'w', wseq);
                wakeW = d < 0;
            }
        }
        if (wakeR) wake('r');
        if (wakeW) wake('w');
    }

    private Timers.Timer startDeadline(long when, char mode, int seq) {
        Timers.Timer t = new Timers.Timer(() -> deadlineFired(mode, seq));
        Timers.start(netpoll.sched, t, when, 0);
        return t;
    }

    /** A deadline timer fired. Go: netpolldeadlineimpl. */
    private void deadlineFired(char mode, int seq) {
        synchronized (this) {
            if (mode == 'r') {
                if (seq != rseq || rd <= 0) return; // reset since, or closed
                rd = -1;
                rt = null;
            } else {
                if (seq != wseq || wd <= 0) return;
                wd = -1;
                wt = null;
            }
        }
        wake(mode);
    }

    /**
     * Marks the descriptor closing and wakes both waiters, which then see ERR_CLOSING.
     * Go: poll_runtime_pollUnblock.
     */
    public void evict() {
        synchronized (this) {
            if (closing) return;
            closing = true;
            rseq++;
            wseq++;
            if (rt != null) Timers.stop(rt);
            if (wt != null) Timers.stop(wt);
            rt = wt = null;
        }
        wake('r');
        wake('w');
    }

    /** evict, then takes the channel off the poller and closes it. Go: pollClose after pollUnblock. */
    public void close() throws IOException {
        evict();
        netpoll.close(this);
    }

    /** The poller this descriptor belongs to. */
    public Netpoll netpoll() {
        return netpoll;
    }
}
