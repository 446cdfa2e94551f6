package dev.gort.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * The measured loops, written once and run unchanged on gort's goroutines and on JDK virtual
 * threads. Each runs inside a goroutine or virtual thread (the "batch"); the benchmark method
 * only submits the batch and waits for it, so the crossing from JMH's platform thread into the
 * scheduler is paid once per batch, not once per operation.
 */
final class Workloads {
    private Workloads() {}

    /** Starts a new thread of the scheduler under test running task: {@code go task}. */
    @FunctionalInterface
    interface Starter {
        void start(Runnable task);
    }

    /** A body that may throw (WaitGroup.await, CountDownLatch.await). */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Runs body in a new JDK virtual thread (default scheduler) and waits for it; rethrows its failure. */
    static void runInVirtualThread(Body body) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.join(); // join's happens-before makes failure[0] visible
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] instanceof Error e) throw e;
    }

    /** n yields of the calling goroutine / virtual thread. */
    static void yieldLoop(Runnable yield, int n) {
        for (int i = 0; i < n; i++) {
            yield.run();
        }
    }

    /** Spawns n threads that each count the latch down once, and waits for all of them. */
    static void spawnJoinLatch(Starter starter, int n) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        Runnable task = done::countDown; // the goroutine's trivial work is its join signal
        for (int i = 0; i < n; i++) {
            starter.start(task);
        }
        done.await();
    }

    /**
     * n park/unpark round trips between the caller ("ping") and a second thread that starter
     * creates ("pong"). The ball is a volatile int: 1 = pong's turn, 0 = ping's turn. Parks are
     * re-checked in a loop, so a stale permit (the start-up hand-shake) costs one extra check.
     */
    static void pingPong(Starter starter, int n) {
        PingPong pp = new PingPong(Thread.currentThread(), n);
        starter.start(pp::pong);
        pp.ping();
    }

    private static final class PingPong {
        final Thread pinger;
        final int rounds;
        volatile Thread ponger;
        volatile int ball;

        PingPong(Thread pinger, int rounds) {
            this.pinger = pinger;
            this.rounds = rounds;
        }

        void ping() {
            Thread p;
            while ((p = ponger) == null) {
                LockSupport.park(this);
            }
            for (int i = 0; i < rounds; i++) {
                ball = 1;
                LockSupport.unpark(p);
                while (ball != 0) {
                    LockSupport.park(this);
                }
            }
        }

        void pong() {
            ponger = Thread.currentThread();
            LockSupport.unpark(pinger);
            for (int i = 0; i < rounds; i++) {
                while (ball != 1) {
                    LockSupport.park(this);
                }
                ball = 0;
                LockSupport.unpark(pinger);
            }
        }
    }
}
