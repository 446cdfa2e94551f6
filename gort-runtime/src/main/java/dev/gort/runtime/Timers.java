package dev.gort.runtime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runtime timers on per-P heaps, run by the scheduler. Go: time.go (1.14+): addtimer,
 * deltimer, checkTimers, runtimer, moveTimers, timeSleepUntil.
 *
 * <p>A timer lives in the heap of the P that added it (the caller's P, or a P chosen round-robin
 * for a thread outside gort). An M runs the due timers of its own P at the top of schedule and
 * findrunnable, and of a victim P in its last steal round. A timer's function runs on the M's
 * scheduler ("g0"), so it must be short and must not block: it readies a goroutine, sends on a
 * channel without blocking, or starts a goroutine. One idle M sleeps until the earliest timer
 * (Go gives that job to the M blocked in netpoll); sysmon starts an M when timers are overdue
 * and no M is free to run them.
 */
public final class Timers {
    /** Timer states: not in a heap; in a heap; its function is running. */
    static final int IDLE = 0, WAITING = 1, RUNNING = 2;

    /** One P's heap. Guarded by a spin lock (timers are added from anywhere). Go: p.timers + p.timersLock. */
    static final class Heap extends SpinLock {
        Timer[] a = new Timer[8];
        int n;
        /** when of the earliest timer, or 0. Read without the lock. Go: p.timer0When. */
        volatile long timer0When;

        void push(Timer t) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n] = t;
            t.index = n;
            up(n++);
            timer0When = a[0].when;
        }

        Timer pop() {
            Timer t = a[0];
            removeAt(0);
            return t;
        }

        void removeAt(int i) {
            Timer t = a[i];
            n--;
            if (i != n) {
                a[i] = a[n];
                a[i].index = i;
                a[n] = null;
                down(i);
                up(i);
            } else {
                a[n] = null;
            }
            t.index = -1;
            timer0When = n == 0 ? 0 : a[0].when;
        }

        private void up(int i) {
            while (i > 0) {
                int p = (i - 1) / 2;
                if (a[p].when <= a[i].when) break;
                swap(i, p);
                i = p;
            }
        }

        private void down(int i) {
            for (;;) {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < n && a[l].when < a[m].when) m = l;
                if (r < n && a[r].when < a[m].when) m = r;
                if (m == i) return;
                swap(i, m);
                i = m;
            }
        }

        private void swap(int i, int j) {
            Timer t = a[i];
            a[i] = a[j];
            a[j] = t;
            a[i].index = i;
            a[j].index = j;
        }
    }

    /** A runtime timer. Go: runtime timer. */
    public static final class Timer {
        final AtomicInteger status = new AtomicInteger(IDLE);
        long when;
        /** Period for a ticker, 0 for one-shot. */
        long period;
        final Runnable f;
        /** The heap it is in, or null. */
        volatile Heap heap;
        int index = -1;

        public Timer(Runnable f) {
            this.f = f;
        }
    }

    private Timers() {}

    /** The heap to add to: the caller's P, else round-robin. */
    private static Heap heapFor(Sched sched) {
        M mp = M.current();
        P pp = mp != null && mp.sched == sched ? mp.p : null;
        if (pp == null) {
            P[] allp = sched.allp;
            pp = allp[(int) (sched.timerRR.getAndIncrement() & Integer.MAX_VALUE) % allp.length];
        }
        return pp.timers;
    }

    /** Starts t to fire at when (and every period after, if period > 0). Go: addtimer / resettimer. */
    public static void start(Sched sched, Timer t, long when, long period) {
        for (;;) {
            stop(t);                                            // a reset: take it out first
            while (t.status.get() == RUNNING) Thread.onSpinWait(); // firing right now: let it finish
            Heap h = heapFor(sched);
            boolean added = false;
            h.lock();
            try {
                if (t.heap == null && t.status.compareAndSet(IDLE, WAITING)) {
                    t.when = when;
                    t.period = period;
                    t.heap = h;
                    h.push(t);
                    added = true;
                }
            } finally {
                h.unlock();
            }
            if (added) break;
        }
        wakeTimerSleeper(sched, when);
    }

    /** Stops t; true if it was waiting (so it will not fire). Go: deltimer. */
    public static boolean stop(Timer t) {
        for (;;) {
            Heap h = t.heap;
            if (h == null) {
                return false;
            }
            h.lock();
            try {
                if (t.heap != h) continue; // moved (procresize): retry on its new heap
                if (!t.status.compareAndSet(WAITING, IDLE)) return false; // firing now
                h.removeAt(t.index);
                t.heap = null;
            } finally {
                h.unlock();
            }
            t.period = 0;
            return true;
        }
    }

    /**
     * Runs pp's due timers. Runs on an M's scheduler. Returns the when of the next timer (0: none).
     * Go: checkTimers + runtimer.
     */
    static long checkTimers(Sched sched, P pp) {
        Heap h = pp.timers;
        long next = h.timer0When;
        if (next == 0) return 0; // no clock read when there are no timers
        long now = sched.clock.nanotime();
        if (next > now) return next;
        for (;;) {
            Timer t;
            h.lock();
            try {
                if (h.n == 0 || h.a[0].when > now) return h.n == 0 ? 0 : h.a[0].when;
                t = h.pop();
                t.heap = null;
                t.status.set(RUNNING);
            } finally {
                h.unlock();
            }
            sched.ntimerfired.incrementAndGet();
            try {
                t.f.run();
            } catch (Throwable e) {
                System.err.println("gort: timer function threw " + e);
            }
            if (t.period > 0 && t.status.compareAndSet(RUNNING, IDLE)) {
                long when = t.when + t.period;
                if (when <= now) when = now + t.period; // fell behind: skip missed ticks, as Go
                h.lock();
                try {
                    if (t.status.compareAndSet(IDLE, WAITING)) {
                        t.when = when;
                        t.heap = h;
                        h.push(t);
                    }
                } finally {
                    h.unlock();
                }
            } else {
                t.status.compareAndSet(RUNNING, IDLE);
            }
        }
    }

    /** The earliest timer over all Ps, or 0. Go: timeSleepUntil. */
    static long timeSleepUntil(Sched sched) {
        long next = 0;
        for (P pp : sched.allp) {
            long w = pp.timers.timer0When;
            if (w != 0 && (next == 0 || w < next)) next = w;
        }
        return next;
    }

    /** Moves every timer of a destroyed P to dst. World stopped. Go: moveTimers. */
    static void moveTimers(P from, P dst) {
        Heap src = from.timers, d = dst.timers;
        src.lock();
        d.lock();
        try {
            while (src.n > 0) {
                Timer t = src.pop();
                t.heap = d;
                d.push(t);
            }
        } finally {
            d.unlock();
            src.unlock();
        }
    }

    /**
     * A timer earlier than what the sleeping M waits for was added: wake it; if no M sleeps for
     * timers, make sure one runs. Go: wakeNetPoller.
     */
    static void wakeTimerSleeper(Sched sched, long when) {
        M sleeper = sched.timerSleeper;
        long until = sched.timerSleepUntil;
        if (sleeper != null && until != 0) {
            if (when < until) {
                sleeper.notewakeup();
                if (sleeper.inNetpoll) { // after the notewakeup: Dekker with timerSleep
                    Netpoll np = sched.netpoll;
                    if (np != null) np.netpollBreak();
                }
            }
        } else {
            Proc.wakep(sched); // no sleeper, or one on its way out (until cleared first)
        }
    }
}
