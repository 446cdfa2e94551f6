package dev.gort.runtime;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Linux poller of one runtime: Go's netpoll_epoll.go. Each descriptor is registered once, at
 * open, edge-triggered for reading and writing ({@code EPOLLIN | EPOLLOUT | EPOLLRDHUP |
 * EPOLLET}); nothing is armed or disarmed per wait, because {@link PollDesc}'s READY state keeps
 * an edge that came with no waiter (Go's pdReady). {@code epoll_wait} needs no lock: any number
 * of Ms, sysmon included, poll at once, each into its own event buffer, and a poll that blocks
 * holds nothing that another poll needs. The break is an eventfd (Go's netpollEventFd), read
 * only by polls that may block.
 *
 * <p>A registration's {@code epoll_data} is the pollDesc's slot in a table and a sequence number
 * (Go: the pollDesc pointer tagged with fdseq), so an event that an earlier poll collected for a
 * descriptor closed since, whose number may be reused, finds another sequence and is dropped.
 * The descriptors behind the runtime (epoll's, the eventfd) are closed only once no call is in
 * flight on them ({@link #enter}), so a late poll or break cannot reach a reused number.
 */
final class NetpollEpoll {
    private static final long WAKE = -1L;
    private static final int EVENTS = 128;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(PollDesc[].class);

    private final int epfd, evfd;
    /** 8 bytes holding 1, written to the eventfd by a break; and 8 bytes a drain reads into. */
    private final MemorySegment one, drained;
    private final ThreadLocal<MemorySegment> events =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(EVENTS * EpollSys.EVENT_SIZE, 8));

    /** The registered pollDescs by slot; grown under this, read lock-free. */
    private volatile PollDesc[] slots = new PollDesc[256];
    private int[] free = new int[256];
    private int nfree, nextSlot;
    private final AtomicInteger seqgen = new AtomicInteger();

    /** Calls in flight on epfd/evfd; MIN_VALUE added once the poller closes. */
    private final AtomicInteger inflight = new AtomicInteger();

    NetpollEpoll() throws IOException {
        epfd = EpollSys.epollCreate();
        int ev;
        try {
            ev = EpollSys.eventfd();
        } catch (IOException e) {
            EpollSys.close(epfd);
            throw e;
        }
        evfd = ev;
        int err = EpollSys.epollCtl(epfd, EpollSys.EPOLL_CTL_ADD, evfd, EpollSys.EPOLLIN, WAKE);
        if (err != 0) {
            EpollSys.close(evfd);
            EpollSys.close(epfd);
            throw new IOException("gort: epoll_ctl(ADD eventfd) failed: errno " + err);
        }
        Arena arena = Arena.ofAuto();
        one = arena.allocate(8, 8);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        drained = arena.allocate(8, 8);
    }

    /** Counts a call on the descriptors; false (and nothing counted) once they are closed or closing. */
    private boolean enter() {
        if (inflight.incrementAndGet() > 0) return true;
        inflight.decrementAndGet();
        return false;
    }

    private void exit() {
        inflight.decrementAndGet();
    }

    /** Registers pd's descriptor. Go: netpollopen. */
    void open(PollDesc pd, int fd) throws IOException {
        int slot;
        synchronized (this) {
            if (nfree > 0) {
                slot = free[--nfree];
            } else {
                slot = nextSlot++;
                if (slot == slots.length) slots = java.util.Arrays.copyOf(slots, slots.length * 2);
            }
            pd.epollSlot = slot;
            pd.epollSeq = seqgen.incrementAndGet();
            SLOT.setRelease(slots, slot, pd);
        }
        int err;
        if (!enter()) {
            err = -1;
        } else {
            try {
                err = EpollSys.epollCtl(epfd, EpollSys.EPOLL_CTL_ADD, fd,
                        EpollSys.EPOLLIN | EpollSys.EPOLLOUT | EpollSys.EPOLLRDHUP | EpollSys.EPOLLET,
                        data(pd));
            } finally {
                exit();
            }
        }
        if (err != 0) {
            release(pd);
            throw new IOException(err < 0 ? "gort: the runtime's network poller is closed (runtime shut down)"
                    : "gort: epoll_ctl(ADD) failed: errno " + err);
        }
        pd.armAll();
    }

    /** Takes pd's descriptor off the poller; its channel is closed by the caller. Go: netpollclose. */
    void close(PollDesc pd, int fd) {
        if (enter()) {
            try {
                EpollSys.epollCtl(epfd, EpollSys.EPOLL_CTL_DEL, fd, 0, 0); // ENOENT/EBADF: already gone
            } finally {
                exit();
            }
        }
        release(pd);
    }

    private synchronized void release(PollDesc pd) {
        int slot = pd.epollSlot;
        if (slot < 0) return;
        pd.epollSlot = -1;
        SLOT.setRelease(slots, slot, (PollDesc) null);
        if (nfree == free.length) free = java.util.Arrays.copyOf(free, free.length * 2);
        free[nfree++] = slot;
    }

    private static long data(PollDesc pd) {
        return ((long) pd.epollSeq << 32) | (pd.epollSlot & 0xFFFF_FFFFL);
    }

    /**
     * One poll: up to delay ns (0: none, negative: until an event), without a lock. Returns the
     * waiters made ready, or null. Go: netpoll(delay) in netpoll_epoll.go.
     */
    ArrayList<Thread> poll(long delay, Runnable onBreakDrained) {
        if (!enter()) return null;
        try {
            int ms = delay == 0 ? 0 : delay < 0 ? -1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, delay / Tunables.MS));
            MemorySegment buf = events.get();
            int n = EpollSys.epollWait(epfd, buf, EVENTS, ms);
            ArrayList<Thread> list = null;
            for (int i = 0; i < n; i++) {
                long off = i * EpollSys.EVENT_SIZE;
                int ev = buf.get(ValueLayout.JAVA_INT_UNALIGNED, off);
                long data = buf.get(ValueLayout.JAVA_LONG_UNALIGNED, off + EpollSys.DATA_OFFSET);
                if (data == WAKE) {
                    // Only a poll that may block consumes a break (Go reads the eventfd only when
                    // delay != 0), so that a non-blocking poll does not take it from the one about to block.
                    if (delay != 0) {
                        EpollSys.read(evfd, drained, 8);
                        onBreakDrained.run();
                    }
                    continue;
                }
                // The table as it is now, not as it was when the wait began: it may have grown
                // meanwhile, and a slot freed and taken again is only in the new copy.
                PollDesc[] table = slots;
                int slot = (int) data;
                PollDesc pd = slot < table.length ? (PollDesc) SLOT.getAcquire(table, slot) : null;
                if (pd == null || pd.epollSeq != (int) (data >>> 32)) continue; // closed since
                if ((ev & (EpollSys.EPOLLIN | EpollSys.EPOLLRDHUP | EpollSys.EPOLLHUP | EpollSys.EPOLLERR)) != 0) {
                    Thread t = pd.netpollready('r');
                    if (t != null) (list == null ? list = new ArrayList<>() : list).add(t);
                }
                if ((ev & (EpollSys.EPOLLOUT | EpollSys.EPOLLHUP | EpollSys.EPOLLERR)) != 0) {
                    Thread t = pd.netpollready('w');
                    if (t != null) (list == null ? list = new ArrayList<>() : list).add(t);
                }
            }
            return list;
        } finally {
            exit();
        }
    }

    /** Interrupts a blocked poll (the caller gates it: one outstanding at a time). Go: netpollBreak. */
    void wakeup() {
        if (!enter()) return;
        try {
            EpollSys.write(evfd, one, 8);
        } finally {
            exit();
        }
    }

    /** The pollDescs registered now. */
    synchronized ArrayList<PollDesc> registered() {
        ArrayList<PollDesc> l = new ArrayList<>();
        for (PollDesc pd : slots) if (pd != null) l.add(pd);
        return l;
    }

    /**
     * Closes the poller: no call starts on its descriptors from now on, and they are closed once
     * the calls in flight have returned (a blocked poll was broken by the caller first).
     */
    void shutdown() {
        int v;
        do {
            v = inflight.get();
        } while (!inflight.compareAndSet(v, v + Integer.MIN_VALUE));
        if (inflight.get() != Integer.MIN_VALUE) EpollSys.write(evfd, one, 8); // a poll still blocked returns
        while (inflight.get() != Integer.MIN_VALUE) Thread.yield();
        EpollSys.close(evfd);
        EpollSys.close(epfd);
    }
}
