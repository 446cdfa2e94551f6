package dev.gort.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>The key's interest set and its cancellation belong to the poll (see {@link Netpoll}: only
 * pollLock's holder touches the Selector). A waiter that finds its direction not {@link #armed}
 * posts a request ({@link #requestOps}); the next poll applies it before it selects, and a poll
 * blocked in select is broken to apply it. A close posts {@link #CANCEL} and waits until a
 * select has deregistered the key, then closes the channel itself.
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
    /** Written once by Netpoll.open; its interest ops and cancel are for pollLock holders only. */
    volatile SelectionKey key;
    private volatile Object rg, wg;

    /** Guards the deadline state and closing (Go: pd.lock). Spins, never queues (DESIGN §10). */
    private final SpinLock lk = new SpinLock();
    // Written under lk; closing, rd and wd are read without it (netpollcheckerr).
    private volatile boolean closing;
    private volatile long rd, wd;
    private int rseq, wseq;
    private Timers.Timer rt, wt;

    /** Interest ops set on the key. Written by pollLock holders only; read by waiters. */
    private volatile int armed;
    /** The epoll poller: the descriptor, its slot in the poller's table and its sequence (Go: fdseq). */
    int epollFd = -1, epollSlot = -1, epollSeq;

    /** Registered with epoll for everything, edge-triggered: a waiter never arms, a poll never disarms. */
    void armAll() {
        armed = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT | SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;
    }
    /** Requested for the next poll: interest ops to add, or CANCEL. Or-ed in by anyone. */
    private volatile int want;
    /** 1 while this pollDesc is on the poller's request stack. */
    private volatile int queued;
    /** The request stack's link. */
    PollDesc nextPending;
    /** A request to cancel the key (close). Not a SelectionKey op. */
    static final int CANCEL = 1 << 30;
    /** The thread closing this pollDesc, woken when the key is deregistered. */
    volatile Thread closer;
    /** The key is cancelled and deregistered: the channel can be closed without the Selector. */
    volatile boolean deregistered;
    private final AtomicBoolean closeCalled = new AtomicBoolean();

    private static final VarHandle RG, WG, WANT, QUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RG = l.findVarHandle(PollDesc.class, "rg", Object.class);
            WG = l.findVarHandle(PollDesc.class, "wg", Object.class);
            WANT = l.findVarHandle(PollDesc.class, "want", int.class);
            QUEUED = l.findVarHandle(PollDesc.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    PollDesc(Netpoll netpoll, SelectableChannel channel) {
        this.netpoll = netpoll;
        this.channel = channel;
    }

    // The slot of a mode ('r': rg, else wg). Each access names its VarHandle as a constant: a
    // handle chosen at run time (a phi of the two) is not inlined by the JIT, which then calls
    // through the generic VarHandle path on every wait and wake.

    private Object slotGet(char mode) {
        return mode == 'r' ? RG.getVolatile(this) : WG.getVolatile(this);
    }

    private boolean slotCas(char mode, Object expect, Object update) {
        return mode == 'r' ? RG.compareAndSet(this, expect, update) : WG.compareAndSet(this, expect, update);
    }

    private Object slotGetAndSet(char mode, Object v) {
        return mode == 'r' ? RG.getAndSet(this, v) : WG.getAndSet(this, v);
    }

    /**
     * Before an I/O attempt: forgets a readiness noted earlier (the attempt will find out) and
     * returns the error that forbids the attempt, if any. Go: poll_runtime_pollReset.
     */
    public int reset(char mode) {
        int err = checkerr(mode);
        if (err != OK) return err;
        slotCas(mode, READY, null);
        return OK;
    }

    /** Go: netpollcheckerr (lock-free, as Go's). A runtime that has ended counts as closing. */
    public int checkerr(char mode) {
        if (closing || netpoll.closed) return ERR_CLOSING;
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
        Thread me = Thread.currentThread();
        for (;;) {
            Object v = slotGet(mode);
            if (v == READY) {
                if (slotCas(mode, READY, null)) return OK;
            } else if (v == null) {
                if (slotCas(mode, null, me)) break;
            } else {
                throw new IllegalStateException("gort: netpollblock: two waiters on one " + (mode == 'r' ? "read" : "write")
                        + " side (" + v + " and " + me + ")");
            }
        }
        // Published; now make sure the direction is armed. The read of armed comes after the
        // publication, and a poll that disarms does so before it takes the waiter out of the
        // slot (netpollready): if we see the direction armed, a disarm that follows still finds
        // us and wakes us. A close or deadline that came in between is seen by the re-check
        // below (and it swaps us out itself).
        int op = mode == 'r' ? readOp() : writeOp();
        netpoll.waiters.incrementAndGet();
        try {
            if ((armed & op) == 0 && !closing) requestOps(op);
            // A goroutine of this runtime on an M with a P has an M that polls when it runs out of
            // work; any other waiter needs a poller whether or not it had to arm (a read side
            // stays armed): a platform thread, another runtime's goroutine, and a goroutine whose
            // P sysmon handed off (its M stops when it parks and never reaches findrunnable).
            if (!isOurs(me)) netpoll.wakeNetPoller();
            if (checkerr(mode) != OK) wake(mode); // raced a close or a deadline
            boolean goroutine = Proc.getg() != null;
            if (goroutine) Proc.setParkingReason(WaitReason.IO_WAIT, false);
            try {
                while (slotGet(mode) == me) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        if (slotCas(mode, me, null)) {
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
        Object old = slotGetAndSet(mode, null);
        if (old == READY) return OK;
        err = checkerr(mode);
        return err; // OK here: a spurious wake (deadline moved): the caller retries its I/O
    }

    /**
     * Asks the next poll to add ops to the key's interest set, or (CANCEL) to cancel the key.
     * The request is posted once however many come before the poll takes it.
     */
    void requestOps(int ops) {
        WANT.getAndBitwiseOr(this, ops);
        if (QUEUED.compareAndSet(this, 0, 1)) netpoll.postRequest(this);
    }

    /**
     * Applies the requests (a poll, before it selects; pollLock held). Returns true if the key
     * was cancelled: the select that follows deregisters it.
     */
    boolean applyRequests() {
        QUEUED.setVolatile(this, 0); // first: a request from now on posts us again
        int w = (int) WANT.getAndSet(this, 0);
        SelectionKey k = key;
        if ((w & CANCEL) != 0) {
            armed = 0;
            k.cancel();
            return true;
        }
        int ops = armed | w;
        if (ops != armed) {
            try {
                k.interestOps(ops);
                armed = ops;
            } catch (CancelledKeyException e) {
                // closed: the close wakes the waiters
            }
        }
        return false;
    }

    /** Whether t is a goroutine of this runtime on an M with a P (that M polls when it runs out of work). */
    private boolean isOurs(Thread t) {
        M mp = M.current();
        G gp = mp == null ? null : mp.curg;
        return gp != null && gp.sched == netpoll.sched && gp.thread == t && mp.p != null;
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
     * direction disarmed so that level-triggered polls do not report it again and again). A
     * read side with a waiter stays armed (it will most likely wait again); a write side is
     * always disarmed (writability is nearly always true). A disarm comes before the slot is
     * swapped, so a waiter that saw the direction armed is still found. pollLock held.
     * Go: netpollready → netpollunblock(pd, mode, true).
     */
    Thread netpollready(char mode) {
        if (mode == 'r' && RG.getVolatile(this) instanceof Thread) {
            Thread t = unblock(mode, true);
            if (t != null) return t;
        }
        disarm(mode == 'r' ? (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT) : (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT));
        return unblock(mode, true);
    }

    /** Takes ops out of the key's interest set. pollLock held. */
    private void disarm(int op) {
        if (netpoll.epoll != null) return; // edge-triggered: nothing to disarm
        int a = armed;
        int mine = a & op;
        if (mine == 0) return;
        armed = a & ~mine;
        try {
            key.interestOps(a & ~mine);
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
        for (;;) {
            Object old = slotGet(mode);
            if (old == READY) return null;
            if (old == null && !ioready) return null;
            if (slotCas(mode, old, ioready ? READY : null)) return old instanceof Thread t ? t : null;
        }
    }

    /** Wakes both waiters (the runtime ended), which then see ERR_CLOSING. */
    void wakeBoth() {
        wake('r');
        wake('w');
    }

    /** Takes mode's waiter out without readiness (a deadline, a close) and wakes it, which then checks why. */
    private void wake(char mode) {
        Thread t = unblock(mode, false);
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * Sets the deadline of mode ('r', 'w', or 'b' for both) to a nanotime, 0 for none, or a
     * time already past; wakes a waiter whose deadline has passed. The timers are started and
     * stopped outside the lock (the sequence numbers make a stale timer harmless).
     * Go: poll_runtime_pollSetDeadline.
     */
    public void setDeadline(long deadline, char mode) {
        boolean wakeR = false, wakeW = false;
        Timers.Timer stopR = null, stopW = null, startR = null, startW = null;
        long d;
        lk.lock();
        try {
            if (closing) return;
            long now = netpoll.sched.clock.nanotime();
            d = deadline == 0 ? 0 : (deadline <= now ? -1 : deadline);
            if (mode == 'r' || mode == 'b') {
                rseq++;
                stopR = rt;
                rd = d;
                rt = startR = d > 0 ? deadlineTimer('r', rseq) : null;
                wakeR = d < 0;
            }
            if (mode == 'w' || mode == 'b') {
                wseq++;
                stopW = wt;
                wd = d;
                wt = startW = d > 0 ? deadlineTimer('w', wseq) : null;
                wakeW = d < 0;
            }
        } finally {
            lk.unlock();
        }
        if (stopR != null) Timers.stop(stopR);
        if (stopW != null) Timers.stop(stopW);
        if (startR != null) Timers.start(netpoll.sched, startR, d, 0);
        if (startW != null) Timers.start(netpoll.sched, startW, d, 0);
        if (wakeR) wake('r');
        if (wakeW) wake('w');
    }

    private Timers.Timer deadlineTimer(char mode, int seq) {
        return new Timers.Timer(() -> deadlineFired(mode, seq));
    }

    /** A deadline timer fired. Go: netpolldeadlineimpl. */
    private void deadlineFired(char mode, int seq) {
        lk.lock();
        try {
            if (mode == 'r') {
                if (seq != rseq || rd <= 0) return; // reset since, or closed
                rd = -1;
                rt = null;
            } else {
                if (seq != wseq || wd <= 0) return;
                wd = -1;
                wt = null;
            }
        } finally {
            lk.unlock();
        }
        wake(mode);
    }

    /**
     * Marks the descriptor closing and wakes both waiters, which then see ERR_CLOSING.
     * Go: poll_runtime_pollUnblock.
     */
    public void evict() {
        Timers.Timer r, w;
        lk.lock();
        try {
            if (closing) return;
            closing = true;
            rseq++;
            wseq++;
            r = rt;
            w = wt;
            rt = wt = null;
        } finally {
            lk.unlock();
        }
        if (r != null) Timers.stop(r);
        if (w != null) Timers.stop(w);
        wake('r');
        wake('w');
    }

    /**
     * evict, then takes the channel off the poller and closes it (once; a second call returns).
     * Go: pollClose after pollUnblock.
     */
    public void close() throws IOException {
        if (!closeCalled.compareAndSet(false, true)) return;
        evict();
        netpoll.close(this);
    }

    /** The poller this descriptor belongs to. */
    public Netpoll netpoll() {
        return netpoll;
    }
}
