package dev.gort.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The network poller of one runtime. Go: netpoll.go (the generic part) with two platform parts:
 * on Linux with native access {@link NetpollEpoll} (Go's netpoll_epoll.go: edge-triggered
 * epoll through FFM, no lock), elsewhere or with {@code -Dgort.netpoller=selector} the NIO
 * {@link Selector} code of this class, described below.
 *
 * <p>Go's contract: {@link #netpoll(long)} waits up to a delay (0: not at all, negative: until
 * an event) and returns the goroutines whose I/O became ready; {@link #netpollBreak()}
 * interrupts a blocked poll; {@link #lastpoll} is 0 while an M blocks in the poll and the time
 * of the last poll otherwise, so that sysmon polls when nobody has for 10 ms. The goroutines
 * found are handed to {@link #injectglist}.
 *
 * <p>Where Go's epoll differs: Go registers each descriptor once, edge-triggered, for reading and
 * writing. A Selector is level-triggered, so a key's interest set says which directions have a
 * waiter: {@link PollDesc} arms a direction when a goroutine waits on it and the poll disarms it
 * when the readiness it reports finds no waiter (else a readable socket nobody reads would wake
 * every poll). A changed interest set reaches a poll already blocked only through a break.
 *
 * <p>A Selector serialises its select calls; {@link #pollLock} makes that explicit, so that a
 * non-blocking poll (findrunnable, sysmon) that finds another poll in progress skips instead of
 * waiting behind it.
 *
 * <p><b>Only the holder of pollLock touches the Selector.</b> Interest changes, key
 * cancellation and select take the Selector's monitors ({@code updateLock},
 * {@code cancelledKeys}, the selector itself), and {@code Selector.wakeup} takes
 * {@code interruptLock}. A goroutine that blocks on a monitor unmounts and needs a P to take it
 * when it is handed over; an M that holds a P and queues on the same monitor behind it waits for
 * that goroutine, which may never get a P (seen: the one spinning M blocked in selectNow,
 * {@code idleprocs=1 spinningthreads=1 runqueue=1}, for good; docs/DESIGN.md §14). So waiters and
 * closers never call those methods: they post a request ({@link PollDesc#requestOps}) on a
 * lock-free stack that the next poll applies before it selects, and a break is a byte written
 * to a pipe of our own (Go: the eventfd behind netpollBreak), gated so that at most one write
 * is outstanding. Whoever holds pollLock (an M, sysmon, or a goroutine running a close's flush)
 * meets no contention on those monitors, because nobody else takes them.
 */
public final class Netpoll {
    final Sched sched;
    /**
     * The Linux poller (Go's netpoll_epoll.go), or null: then this class's NIO Selector, the
     * portable one. {@code -Dgort.netpoller=epoll|selector}; epoll by default where it works.
     */
    final NetpollEpoll epoll;
    private final Selector selector;
    /** Held during a select and the processing of its keys; the only way to the Selector. */
    private final ReentrantLock pollLock = new ReentrantLock();
    /** An M is (about to be) blocked in select: requests must break it. */
    volatile boolean blocking;
    /** Go: sched.lastpoll. 0 while an M blocks in netpoll, else the time of the last poll. */
    final AtomicLong lastpoll;
    /** Goroutines and threads waiting on a pollDesc (or for a close). Go: netpollWaiters. */
    final AtomicInteger waiters = new AtomicInteger();
    /** Counters for schedtrace (advisory). */
    final AtomicLong npoll = new AtomicLong(), nblockpoll = new AtomicLong(), nready = new AtomicLong();
    /** Non-blocking polls skipped because another poll held pollLock. */
    final AtomicLong npollbusy = new AtomicLong();
    volatile long nsysmonpoll, nsysmonready;
    /** The runtime ended: the poller is closed and every wait fails (PollDesc.checkerr). */
    volatile boolean closed;

    /** netpollBreak's pipe: the source is registered for reading, a break writes a byte to the sink. */
    private final Pipe wakePipe;
    /** A break's byte is outstanding (Go: netpollWakeSig): at most one writer at a time. */
    private final AtomicBoolean wakeSig = new AtomicBoolean();
    /** The wake key's attachment. */
    private static final Object WAKE = new Object();
    /** pollLock. */
    private final ByteBuffer drainBuf = ByteBuffer.allocate(64);
    /** PollDescs with a request for the next poll: a Treiber stack through PollDesc.nextPending. */
    private final AtomicReference<PollDesc> pending = new AtomicReference<>();
    /** Keys cancelled by a poll, deregistered by its select. pollLock. */
    private final ArrayList<PollDesc> cancelled = new ArrayList<>();
    /** A poll must run soon for a close (see netpoll's finally). */
    private volatile boolean flushPending;

    private Netpoll(Sched sched) throws IOException {
        this.sched = sched;
        this.lastpoll = new AtomicLong(sched.clock.nanotime());
        if (useEpoll()) {
            this.epoll = new NetpollEpoll();
            this.selector = null;
            this.wakePipe = null;
            return;
        }
        this.epoll = null;
        this.selector = Selector.open();
        Pipe p = null;
        try {
            p = Pipe.open();
            p.source().configureBlocking(false);
            p.sink().configureBlocking(false);
            p.source().register(selector, SelectionKey.OP_READ, WAKE);
        } catch (IOException e) {
            if (p != null) {
                p.source().close();
                p.sink().close();
            }
            selector.close();
            throw e;
        }
        this.wakePipe = p;
    }

    /** Which poller: {@code -Dgort.netpoller} (epoll, selector), else epoll where it works. */
    static boolean useEpoll() {
        String v = System.getProperty("gort.netpoller");
        if (v == null || v.isBlank()) return EpollSys.UNAVAILABLE == null;
        switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "selector":
                return false;
            case "epoll":
                if (EpollSys.UNAVAILABLE != null) {
                    throw new UnsupportedOperationException("gort: -Dgort.netpoller=epoll, but epoll cannot be used here: "
                            + EpollSys.UNAVAILABLE + "; use -Dgort.netpoller=selector or leave it unset");
                }
                return true;
            default:
                throw new IllegalArgumentException("gort: -Dgort.netpoller must be \"epoll\" or \"selector\", got \"" + v + "\"");
        }
    }

    /** The poller in use, for schedtrace and tests: "epoll" or "selector". */
    public String kind() {
        return epoll != null ? "epoll" : "selector";
    }

    /** The runtime's poller, created on first use. Go: netpollGenericInit / netpollinit. */
    public static Netpoll of(Sched sched) {
        Netpoll np = sched.netpoll;
        if (np != null) return np;
        synchronized (sched) {
            np = sched.netpoll;
            if (np == null) {
                if (sched.state == Sched.TERMINATED) {
                    throw new IllegalStateException("gort: runtime \"" + sched.name() + "\" is shut down");
                }
                try {
                    np = new Netpoll(sched);
                } catch (IOException e) {
                    throw new UncheckedIOException("gort: cannot open the network poller", e);
                }
                sched.netpoll = np;
            }
            return np;
        }
    }

    /** The default runtime's scheduler; registered by dev.gort.GortRuntime. */
    private static volatile java.util.function.Supplier<Sched> defaultSched;

    /** Registers how to find the default runtime (dev.gort.GortRuntime's class initialiser). */
    public static void registerDefault(java.util.function.Supplier<Sched> s) {
        defaultSched = s;
    }

    /** The poller of the calling goroutine's runtime, else of the default runtime. */
    public static Netpoll current() {
        Sched s = Proc.currentSched();
        if (s == null) {
            if (defaultSched == null) dev.gort.Gort.defaultRuntime();
            s = defaultSched.get();
        }
        return of(s);
    }

    /** The runtime's clock (deadlines are on it). */
    public long nanotime() {
        return sched.clock.nanotime();
    }

    /**
     * Sleeps ns for a back-off: a goroutine parks on a timer, any other thread sleeps.
     * Go: time.Sleep in the accept loop's back-off.
     */
    public void backoffSleep(long ns) {
        Proc.sleep(sched, ns);
    }

    /**
     * Registers a non-blocking channel with the poller and returns its pollDesc.
     * Go: poll_runtime_pollOpen → netpollopen.
     */
    public PollDesc open(SelectableChannel ch) throws IOException {
        if (closed) throw new IOException("gort: the runtime's network poller is closed (runtime shut down)");
        PollDesc pd = new PollDesc(this, ch);
        if (epoll != null) {
            pd.epollFd = EpollSys.fdOf(ch);
            epoll.open(pd, pd.epollFd);
            return pd;
        }
        // With interest 0, register takes none of the Selector's monitors (only the channel's own
        // and the key set, a concurrent set): safe from a goroutine. Interest comes later, from
        // requests that a poll applies.
        pd.key = ch.register(selector, 0, pd);
        return pd;
    }

    /**
     * Takes pd's channel off the poller and closes it; returns once its descriptor is released.
     * The key is cancelled by a poll (see the class comment) and deregistered by that poll's
     * select. This call makes that poll happen at once: it runs it itself when no poll is in
     * progress, breaks a blocked one, or leaves it to the poll in progress through flushPending.
     * It waits until the key is gone, then closes the channel, which then holds no key and takes
     * no Selector monitor. Go: poll_runtime_pollClose → netpollclose.
     */
    void close(PollDesc pd) throws IOException {
        if (epoll != null) { // off the poller at once (no deferred deregistration), then closed
            epoll.close(pd, pd.epollFd);
            pd.deregistered = true;
            pd.channel.close();
            return;
        }
        pd.closer = Thread.currentThread();
        waiters.incrementAndGet(); // checkdead: a closer waits on the network, briefly
        try {
            pd.requestOps(PollDesc.CANCEL);
            flushPending = true;
            if (blocking) netpollBreak();
            ArrayList<Thread> ready = flush(null);
            if (ready != null) injectglist(ready);
            boolean goroutine = Proc.getg() != null;
            boolean interrupted = false;
            if (goroutine) Proc.setParkingReason(WaitReason.IO_WAIT, false);
            try {
                while (!pd.deregistered && !closed) {
                    LockSupport.park(pd);
                    if (Thread.interrupted()) interrupted = true; // a close completes regardless
                }
            } finally {
                if (goroutine) Proc.setParkingReason(null);
                if (interrupted) Thread.currentThread().interrupt();
            }
        } finally {
            waiters.decrementAndGet();
        }
        pd.channel.close();
    }

    /**
     * Runs a non-blocking poll now if no poll is in progress; a poll in progress, which this
     * call does not wait for, sees flushPending when it ends and runs once more. Returns list
     * with the waiters found ready added (the caller makes them runnable: an M in findrunnable
     * must know that its own queue got work).
     */
    private ArrayList<Thread> flush(ArrayList<Thread> list) {
        while (flushPending && !closed && pollLock.tryLock()) {
            try {
                flushPending = false;
                list = pollLocked(0, list);
            } finally {
                pollLock.unlock();
            }
        }
        return list;
    }

    /**
     * Adds pd to the requests that the next poll applies (PollDesc.requestOps calls this once per
     * batch of requests) and breaks a blocked poll, so that it applies them now.
     */
    void postRequest(PollDesc pd) {
        PollDesc head;
        do {
            head = pending.get();
            pd.nextPending = head;
        } while (!pending.compareAndSet(head, pd));
        if (blocking) netpollBreak();
    }

    /** Applies the posted requests: interest changes and cancellations. pollLock held. */
    private void applyRequests() {
        PollDesc pd = pending.getAndSet(null);
        while (pd != null) {
            PollDesc next = pd.nextPending;
            pd.nextPending = null;
            if (pd.applyRequests()) cancelled.add(pd);
            pd = next;
        }
    }

    /**
     * After a select: the first n keys cancelled before it are deregistered; their closers are
     * added to list, to be woken with the waiters. pollLock held.
     */
    private ArrayList<Thread> releaseCancelled(int n, ArrayList<Thread> list) {
        for (int i = 0; i < n; i++) {
            PollDesc pd = cancelled.get(i);
            pd.deregistered = true;
            Thread t = pd.closer;
            if (t != null && t != Thread.currentThread()) (list == null ? list = new ArrayList<>() : list).add(t);
        }
        cancelled.subList(0, n).clear();
        return list;
    }

    /**
     * Waits for I/O up to delay ns (0: do not wait; negative: until something happens) and
     * returns the waiters made ready, or null if none (or another poll was in progress for a
     * non-blocking call). Go: netpoll(delay).
     */
    ArrayList<Thread> netpoll(long delay) {
        if (closed) return null;
        if (epoll != null) {
            npoll.incrementAndGet();
            if (delay != 0) nblockpoll.incrementAndGet();
            ArrayList<Thread> list = epoll.poll(delay, onBreakDrained);
            if (list != null) nready.addAndGet(list.size());
            return list;
        }
        if (delay == 0) {
            if (!pollLock.tryLock()) {
                npollbusy.incrementAndGet();
                return null;
            }
        } else {
            pollLock.lock();
        }
        ArrayList<Thread> list;
        try {
            list = pollLocked(delay, null);
        } finally {
            pollLock.unlock();
        }
        if (flushPending) list = flush(list); // a close came during this poll (Dekker: its flag, our unlock)
        return list;
    }

    /**
     * One poll: apply the requests, select, add the waiters made ready (and the closers whose
     * keys it deregistered) to list. Wakes nobody itself. pollLock held.
     */
    private ArrayList<Thread> pollLocked(long delay, ArrayList<Thread> list) {
        if (closed) return list;
        int found = list == null ? 0 : list.size();
        try {
            npoll.incrementAndGet();
            applyRequests();
            int ncancelled = cancelled.size(); // deregistered by the select below
            curDelay = delay;
            curList = list;
            // The select hands each ready key to onReady (no selected-key set to fill and empty).
            // A closer waits for that select to return: then do not block (the key is
            // deregistered as the select starts, but its closer hears of it only after).
            if (delay == 0 || ncancelled > 0) {
                selector.selectNow(onReady);
            } else {
                nblockpoll.incrementAndGet();
                long ms = delay < 0 ? 0 : Math.max(1, delay / Tunables.MS);
                if (ms == 0) selector.select(onReady); else selector.select(onReady, ms);
            }
            list = curList;
            if (list != null) nready.addAndGet(list.size() - found);
            if (ncancelled > 0) list = releaseCancelled(ncancelled, list);
            return list;
        } catch (IOException e) {
            System.err.println("gort: netpoll failed: " + e);
            return curList;
        } catch (ClosedSelectorException e) {
            return curList;
        } finally {
            curList = null;
        }
    }

    /** A blocking epoll poll read the break: allow the next one. */
    private final Runnable onBreakDrained = () -> wakeSig.set(false);

    /** The poll in progress (pollLock): its delay, and the waiters it has found so far. */
    private long curDelay;
    private ArrayList<Thread> curList;
    private final java.util.function.Consumer<SelectionKey> onReady = this::ready;

    /** A key the select found ready. pollLock held. Go: the loop over epoll events in netpoll. */
    private void ready(SelectionKey k) {
        Object a = k.attachment();
        if (a == WAKE) {
            // Only a blocking poll consumes a break (Go reads the eventfd only when delay != 0):
            // a non-blocking poll must not take it from the M about to block, which would then
            // sleep through it.
            if (curDelay != 0) drainWake();
            return;
        }
        if (!(a instanceof PollDesc pd)) return;
        int ops;
        try {
            ops = k.readyOps();
        } catch (java.nio.channels.CancelledKeyException e) {
            return; // being closed: the close woke its waiters
        }
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            Thread t = pd.netpollready('r');
            if (t != null) (curList == null ? curList = new ArrayList<>() : curList).add(t);
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            Thread t = pd.netpollready('w');
            if (t != null) (curList == null ? curList = new ArrayList<>() : curList).add(t);
        }
    }

    /** Reads the break's bytes and allows the next break. pollLock held. */
    private void drainWake() {
        try {
            for (;;) {
                drainBuf.clear();
                if (wakePipe.source().read(drainBuf) <= 0) break;
            }
        } catch (IOException ignored) {
            // shut down
        }
        wakeSig.set(false); // after the read: a break from now on writes a fresh byte
    }

    /**
     * Blocks in the poll for up to delay ns (negative: until an event or a break), as the one
     * M that has nothing to run; lastpoll is 0 meanwhile. Returns the waiters made ready.
     * Go: findrunnable's block in netpoll.
     */
    ArrayList<Thread> netpollBlock(long delay) {
        if (lastpoll.getAndSet(0) == 0) return null; // another M blocks already
        blocking = true;
        try {
            return netpoll(delay);
        } finally {
            blocking = false;
            lastpoll.set(sched.clock.nanotime());
        }
    }

    /**
     * Interrupts a blocked poll, or makes the next blocking poll return at once. Only the caller
     * that sets wakeSig writes, so the pipe's write lock is never queued on behind a parked
     * goroutine, and no Selector monitor is taken. Go: netpollBreak (the eventfd write behind
     * netpollWakeSig).
     */
    public void netpollBreak() {
        if (!wakeSig.compareAndSet(false, true)) return; // a byte is outstanding: it will do
        if (epoll != null) {
            epoll.wakeup();
            return;
        }
        try {
            wakePipe.sink().write(ByteBuffer.wrap(BREAK_BYTE));
        } catch (IOException e) {
            // closed (shut down); the pipe cannot be full with one byte outstanding
        }
    }

    private static final byte[] BREAK_BYTE = {1};

    /**
     * Makes the waiters runnable. From an M with a P they go to its local queue in order (not to
     * runnext, where the last one would run first), from any other thread to the global queue.
     * Then one wakep starts an idle P for them (one spinning M at a time, each waking the next),
     * after the whole batch is queued: a wake-up per goroutine woke the spinning M while the
     * batch was still in our hands, and on a busy core the woken thread could preempt ours
     * mid-batch. Go: injectglist.
     */
    static void injectglist(ArrayList<Thread> list) {
        M mp = M.current();
        if (mp != null) mp.injecting = true;
        try {
            for (Thread t : list) LockSupport.unpark(t);
        } finally {
            if (mp != null) mp.injecting = false;
        }
        if (mp != null) Proc.wakep(mp.sched); // once for the batch, after all of it is queued
    }

    /**
     * A waiter that is not a goroutine of this runtime (a platform thread, another runtime's
     * goroutine) waits: make sure some thread of this runtime polls. If an M blocks in the poll,
     * the request broke it; otherwise wake the timer sleeper or start an idle P, whose M will
     * block in the poll when it finds nothing else (busy Ps leave it to sysmon's 10 ms poll).
     * Go: wakeNetPoller.
     */
    void wakeNetPoller() {
        if (blocking) return;
        M sleeper = sched.timerSleeper;
        if (sleeper != null) {
            sleeper.notewakeup();
            return;
        }
        Proc.wakep(sched);
        Sysmon.wake(sched);
    }

    /** Whether any goroutine or thread waits on the network. Go: netpollAnyWaiters. */
    boolean anyWaiters() {
        return waiters.get() > 0;
    }

    /**
     * The runtime ended: close the selector. Registered channels stay open; every wait on them
     * fails with ERR_CLOSING (checkerr sees closed), and the threads waiting now are woken.
     */
    void shutdown() {
        closed = true;
        netpollBreak();
        if (epoll != null) {
            ArrayList<PollDesc> registered = epoll.registered();
            epoll.shutdown();
            for (PollDesc pd : registered) pd.wakeBoth();
            return;
        }
        ArrayList<PollDesc> registered = new ArrayList<>();
        pollLock.lock();
        try {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof PollDesc pd) registered.add(pd);
            }
            selector.close();
            wakePipe.sink().close();
            wakePipe.source().close();
        } catch (IOException ignored) {
            // nothing to do
        } finally {
            pollLock.unlock();
        }
        // Closers waiting for a deregistration see closed: wake them; and every waiter.
        for (PollDesc pd = pending.getAndSet(null); pd != null; pd = pd.nextPending) {
            Thread t = pd.closer;
            if (t != null) LockSupport.unpark(t);
        }
        for (PollDesc pd : registered) pd.wakeBoth();
    }
}
