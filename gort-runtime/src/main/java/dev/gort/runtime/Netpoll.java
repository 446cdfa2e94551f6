package dev.gort.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The network poller of one runtime. Go: netpoll.go (the generic part) and netpoll_epoll.go,
 * on a NIO {@link Selector} (epoll on Linux).
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
 * every poll). A changed interest set reaches a poll already blocked only through a wake-up,
 * which {@link #armed} sends when {@link #blocking} says one is blocked.
 *
 * <p>A Selector serialises its select calls; {@link #pollLock} makes that explicit, so that a
 * non-blocking poll (findrunnable, sysmon) that finds another poll in progress skips instead of
 * waiting behind it.
 */
public final class Netpoll {
    final Sched sched;
    private final Selector selector;
    /** Held during a select and the processing of its keys. */
    private final ReentrantLock pollLock = new ReentrantLock();
    /** An M is (about to be) blocked in select: interest changes must wake it. */
    volatile boolean blocking;
    /** Go: sched.lastpoll. 0 while an M blocks in netpoll, else the time of the last poll. */
    final AtomicLong lastpoll;
    /** Goroutines and threads waiting on a pollDesc. Go: netpollWaiters. */
    final AtomicInteger waiters = new AtomicInteger();
    /** Counters for schedtrace (advisory). */
    final AtomicLong npoll = new AtomicLong(), nblockpoll = new AtomicLong(), nready = new AtomicLong();
    volatile long nsysmonpoll, nsysmonready;
    private volatile boolean closed;

    private Netpoll(Sched sched) throws IOException {
        this.sched = sched;
        this.selector = Selector.open();
        this.lastpoll = new AtomicLong(sched.clock.nanotime());
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
        // register() may wait for a select in progress on old JDKs; JDK 11+ queues it instead.
        pd.key = ch.register(selector, 0, pd);
        return pd;
    }

    /**
     * Takes pd's channel off the poller (its key cancelled) and closes it. The descriptor is
     * released at the selector's next select, which this call runs at once when no poll is in
     * progress (else the poll in progress does it). Go: poll_runtime_pollClose.
     */
    void close(PollDesc pd) throws IOException {
        SelectionKey k = pd.key;
        if (k != null) k.cancel();
        try {
            pd.channel.close();
        } finally {
            flush();
        }
    }

    /** A break not yet consumed by a blocking poll (see netpoll). */
    private volatile boolean breakPending;

    /** A close is waiting for a select to release its descriptor. */
    private volatile boolean flushPending;

    /**
     * Makes a select run soon, so that cancelled keys are deregistered and their descriptors
     * closed: breaks a blocked poll, else polls now; a poll in progress that this call cannot
     * wait for sees flushPending when it ends and polls once more.
     */
    private void flush() {
        flushPending = true;
        if (blocking) {
            netpollBreak();
            return;
        }
        while (flushPending && !closed && pollLock.tryLock()) {
            try {
                flushPending = false;
                selector.selectNow(); // deregisters; readiness found is reported by the next poll
            } catch (IOException | ClosedSelectorException ignored) {
                // shut down
            } finally {
                pollLock.unlock();
            }
        }
    }

    /**
     * Waits for I/O up to delay ns (0: do not wait; negative: until something happens) and
     * returns the waiters made ready, or null if none (or another poll was in progress for a
     * non-blocking call). Go: netpoll(delay).
     */
    ArrayList<Thread> netpoll(long delay) {
        if (closed) return null;
        if (delay == 0) {
            if (!pollLock.tryLock()) return null;
        } else {
            pollLock.lock();
        }
        try {
            if (closed) return null;
            npoll.incrementAndGet();
            int n;
            if (delay == 0) {
                n = selector.selectNow();
            } else {
                nblockpoll.incrementAndGet();
                long ms = delay < 0 ? 0 : Math.max(1, delay / Tunables.MS);
                // A break sent before we held pollLock may have been swallowed by another
                // thread's selectNow (NIO: selectNow clears a pending wakeup; Go's netpoll(0)
                // leaves its eventfd alone): honour it here. A break sent from now on wakes our
                // select, since no one else can select until we unlock.
                if (breakPending) {
                    breakPending = false;
                    n = selector.selectNow();
                } else {
                    n = ms == 0 ? selector.select() : selector.select(ms);
                }
                breakPending = false; // consumed by this select
            }
            if (n == 0 && selector.selectedKeys().isEmpty()) return null;
            ArrayList<Thread> list = null;
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                if (!(k.attachment() instanceof PollDesc pd)) continue;
                int ops;
                try {
                    ops = k.readyOps();
                } catch (java.nio.channels.CancelledKeyException e) {
                    continue; // closed meanwhile: close woke its waiters
                }
                if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                    Thread t = pd.netpollready('r');
                    if (t != null) (list == null ? list = new ArrayList<>() : list).add(t);
                }
                if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                    Thread t = pd.netpollready('w');
                    if (t != null) (list == null ? list = new ArrayList<>() : list).add(t);
                }
            }
            if (list != null) nready.addAndGet(list.size());
            return list;
        } catch (IOException e) {
            System.err.println("gort: netpoll failed: " + e);
            return null;
        } catch (ClosedSelectorException e) {
            return null;
        } finally {
            pollLock.unlock();
            if (flushPending) flush(); // a close came during this poll (Dekker: its flag, our unlock)
        }
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

    /** Interrupts a blocked poll. Go: netpollBreak (a write to the eventfd). */
    public void netpollBreak() {
        breakPending = true; // before the wakeup: a blocking poll about to start sees one or the other
        try {
            selector.wakeup();
        } catch (ClosedSelectorException ignored) {
            // shut down
        }
    }

    /** A direction was armed: a poll already blocked must re-read the interest sets. */
    void armed() {
        if (blocking) netpollBreak();
    }

    /**
     * Makes the waiters runnable. From an M with a P they go to its queue, from any other
     * thread to the global queue, and wakep starts idle Ps for them (one spinning M at a time,
     * each waking the next). Go: injectglist.
     */
    static void injectglist(ArrayList<Thread> list) {
        for (Thread t : list) LockSupport.unpark(t);
    }

    /**
     * A waiter that is not a goroutine of this runtime (a platform thread, another runtime's
     * goroutine) has armed a direction: make sure some thread of this runtime polls. If an M
     * blocks in the poll, the arm woke it; otherwise start an idle P, whose M will block in the
     * poll when it finds nothing else (busy Ps leave it to sysmon's 10 ms poll).
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

    /** The runtime ended: close the selector (registered channels stay open, their waits fail). */
    void shutdown() {
        closed = true;
        netpollBreak();
        pollLock.lock();
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing to do
        } finally {
            pollLock.unlock();
        }
    }
}
