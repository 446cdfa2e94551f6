package dev.gort.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A channel. Go: chan.go type hchan, chansend, chanrecv, closechan.
 *
 * <p>A ring buffer of {@code cap} elements (none for an unbuffered channel), a queue of waiting
 * receivers and one of waiting senders. A send to a channel with a waiting receiver hands the
 * value straight to it (Go's direct send); a receive from a full buffer takes the head and moves
 * the first waiting sender's value to the tail. The lock is a spin lock: goroutines and platform
 * threads both take it, and a goroutine must never wait in a lock's queue (docs/DESIGN.md §10);
 * the critical sections are a few stores and an unpark.
 */
public final class HChan extends SpinLock {
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    /** Lock order for select (Go sorts by address). */
    final long id = IDS.incrementAndGet();
    final boolean nil;
    final Object[] buf;
    final int dataqsiz;
    int qcount, sendx, recvx;
    volatile boolean closed;
    final Sudog.WaitQ recvq = new Sudog.WaitQ();
    final Sudog.WaitQ sendq = new Sudog.WaitQ();
    /** A thread outside gort has used this channel: its waiters may be woken from outside. */
    volatile boolean usedOutside;

    public HChan(int size, boolean nil) {
        if (size < 0) throw new IllegalArgumentException("makechan: size out of range: " + size);
        this.nil = nil;
        this.dataqsiz = size;
        this.buf = new Object[size];
    }

    void noteCaller() {
        if (!usedOutside && !Proc.inGoroutine()) usedOutside = true;
    }

    public int len() {
        if (nil) return 0;
        lock();
        try {
            return qcount;
        } finally {
            unlock();
        }
    }

    public int cap() {
        return dataqsiz;
    }

    public boolean isNil() {
        return nil;
    }

    /**
     * Sends v; blocks until a receiver takes it or buffer space frees. With block=false
     * returns false instead of blocking. Go: chansend.
     */
    public boolean send(Object v, boolean block) {
        Proc.checkpoint();
        if (nil) {
            if (!block) return false;
            parkForever(WaitReason.CHAN_SEND_NIL_CHAN);
        }
        noteCaller();
        lock();
        if (closed) {
            unlock();
            throw new IllegalStateException("send on closed channel");
        }
        if (trySendLocked(v)) {
            unlock();
            return true;
        }
        if (!block) {
            unlock();
            return false;
        }
        Sudog me = new Sudog(this, v, null, 0);
        sendq.enqueue(me);
        boolean external = usedOutside;
        unlock();
        park(me, WaitReason.CHAN_SEND, external);
        if (!me.success) throw new IllegalStateException("send on closed channel");
        return true;
    }

    /**
     * Receives into result[0]; returns ok (false: closed and drained), or, with block=false and
     * nothing ready, null. Go: chanrecv.
     */
    public Boolean recv(Object[] result, boolean block) {
        Proc.checkpoint();
        if (nil) {
            if (!block) return null;
            parkForever(WaitReason.CHAN_RECEIVE_NIL_CHAN);
        }
        noteCaller();
        lock();
        if (closed && qcount == 0) {
            unlock();
            result[0] = null;
            return false;
        }
        if (tryRecvLocked(result)) {
            unlock();
            return true;
        }
        if (!block) {
            unlock();
            return null;
        }
        Sudog me = new Sudog(this, null, null, 0);
        recvq.enqueue(me);
        boolean external = usedOutside;
        unlock();
        park(me, WaitReason.CHAN_RECEIVE, external);
        result[0] = me.elem;
        return me.success;
    }

    /**
     * Sends v if a receiver waits (direct hand-off) or the buffer has room. Lock held; the
     * caller has checked closed. Shared by send and select. Go: chansend's fast paths.
     */
    boolean trySendLocked(Object v) {
        Sudog sg = recvq.dequeue();
        if (sg != null) {
            // Found a waiting receiver: pass the value directly, bypassing the buffer.
            sg.elem = v;
            sg.wake(true);
            return true;
        }
        if (qcount < dataqsiz) {
            buf[sendx] = v;
            if (++sendx == dataqsiz) sendx = 0;
            qcount++;
            return true;
        }
        return false;
    }

    /**
     * Receives into out[0] if a sender waits or the buffer has data. Lock held. Shared by recv
     * and select. Go: chanrecv's fast paths and recv.
     */
    boolean tryRecvLocked(Object[] out) {
        Sudog sg = sendq.dequeue();
        if (sg != null) {
            // A waiting sender: unbuffered, take its value; buffered (so full), take the head
            // and put the sender's value at the tail.
            if (dataqsiz == 0) {
                out[0] = sg.elem;
            } else {
                out[0] = buf[recvx];
                buf[recvx] = sg.elem;
                if (++recvx == dataqsiz) recvx = 0;
                sendx = recvx;
            }
            sg.elem = null;
            sg.wake(true);
            return true;
        }
        if (qcount > 0) {
            out[0] = buf[recvx];
            buf[recvx] = null;
            if (++recvx == dataqsiz) recvx = 0;
            qcount--;
            return true;
        }
        return false;
    }

    /** Go: closechan. */
    public void close() {
        if (nil) throw new IllegalStateException("close of nil channel");
        noteCaller();
        lock();
        if (closed) {
            unlock();
            throw new IllegalStateException("close of closed channel");
        }
        closed = true;
        // release all readers (zero value, ok=false) and all writers (they panic)
        for (Sudog sg; (sg = recvq.dequeue()) != null; ) {
            sg.elem = null;
            sg.wake(false);
        }
        for (Sudog sg; (sg = sendq.dequeue()) != null; ) {
            sg.elem = null;
            sg.wake(false);
        }
        unlock();
    }

    /** Parks until sg is completed. Go: gopark(chanparkcommit, ...). */
    static void park(Sudog sg, WaitReason why, boolean external) {
        Proc.setParkingReason(why, external);
        try {
            while (!sg.done) {
                LockSupport.park(sg.c);
                if (!sg.done && Thread.interrupted()) {
                    // shutdownNow (or a user) interrupted a goroutine blocked on a channel:
                    // withdraw, unless a waker completed us meanwhile.
                    if (withdraw(sg)) {
                        Thread.currentThread().interrupt();
                        throw new dev.gort.GoroutineInterruptedException(why.toString());
                    }
                    Thread.currentThread().interrupt(); // completed: keep the flag, finish normally
                    while (!sg.done) Thread.onSpinWait();
                }
            }
        } finally {
            Proc.setParkingReason(null);
        }
    }

    /** Removes an interrupted waiter from its queue; false if it was completed first. */
    static boolean withdraw(Sudog sg) {
        HChan c = sg.c;
        c.lock();
        try {
            if (sg.done) return false;
            if (!sg.claim()) return false; // a select already won elsewhere
            c.recvq.remove(sg);
            c.sendq.remove(sg);
            return true;
        } finally {
            c.unlock();
        }
    }

    /** Blocks forever (a nil channel, an empty select); only an interrupt ends it. */
    static void parkForever(WaitReason why) {
        Proc.setParkingReason(why, false);
        try {
            for (;;) {
                LockSupport.park();
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new dev.gort.GoroutineInterruptedException(why.toString());
                }
            }
        } finally {
            Proc.setParkingReason(null);
        }
    }
}
