package dev.gort.runtime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A goroutine (or a platform thread) waiting on a channel's send or receive queue. Go:
 * runtime2.go type sudog. A select puts one sudog per case on the case's channel, all sharing
 * one {@link SelectDone}; the first channel operation that wins its CAS completes the select.
 */
final class Sudog {
    final Thread thread = Thread.currentThread();
    /** The value sent, or the slot a receive fills. Go: sudog.elem. */
    Object elem;
    /** true: woken by a send/receive; false: woken because the channel closed. Go: sudog.success. */
    boolean success;
    /** Set (release) by the waker after elem/success; the parked side loops on it. */
    volatile boolean done;
    /** The select this sudog belongs to, or null. Go: sudog.isSelect + g.selectDone. */
    final SelectDone sel;
    /** Index of the select case. */
    final int caseIndex;
    final HChan c;
    Sudog next, prev;

    Sudog(HChan c, Object elem, SelectDone sel, int caseIndex) {
        this.c = c;
        this.elem = elem;
        this.sel = sel;
        this.caseIndex = caseIndex;
    }

    /** A select's one-shot winner flag. Go: g.selectDone. */
    static final class SelectDone extends AtomicInteger {
        /** The sudog whose channel operation won. */
        volatile Sudog winner;
    }

    /** Whether this sudog may be completed now (for a select: wins the CAS). */
    boolean claim() {
        return sel == null || sel.compareAndSet(0, 1);
    }

    /** Completes the wait and wakes the waiter. Channel lock held. Go: goready(sg.g). */
    void wake(boolean ok) {
        success = ok;
        if (sel != null) sel.winner = this;
        done = true;
        java.util.concurrent.locks.LockSupport.unpark(thread);
    }

    /** A FIFO of sudogs. Channel lock held. Go: waitq. */
    static final class WaitQ {
        Sudog first, last;

        void enqueue(Sudog sg) {
            sg.next = null;
            sg.prev = last;
            if (last != null) last.next = sg; else first = sg;
            last = sg;
        }

        /** Removes and returns the first sudog that can be claimed (skips lost selects). Go: dequeue. */
        Sudog dequeue() {
            for (;;) {
                Sudog sg = first;
                if (sg == null) return null;
                remove(sg);
                if (sg.claim()) return sg;
            }
        }

        void remove(Sudog sg) {
            if (sg.prev != null) sg.prev.next = sg.next; else if (first == sg) first = sg.next; else return;
            if (sg.next != null) sg.next.prev = sg.prev; else last = sg.prev;
            sg.next = sg.prev = null;
        }
    }
}
