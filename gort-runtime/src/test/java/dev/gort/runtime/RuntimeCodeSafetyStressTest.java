package dev.gort.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runtime code that runs inside goroutines (ready → runqput on the carrier's P, newproc)
 * must not move to another carrier midway. It runs inside the JDK's executor call, which pins
 * the virtual thread; with -Dgort.debugchecks=true (on in tests) ready verifies that the
 * carrier and its P did not change across the queue operation. This test drives that code
 * from every awkward place: inside contended monitors, under contended j.u.c locks, during
 * class initialisation, from goroutines that keep moving between carriers, with GOMAXPROCS
 * above the core count. Nothing may be lost and no check may fire.
 */
@Timeout(120)
class RuntimeCodeSafetyStressTest {
    static final int SCALE = TestSupport.scale();

    static final AtomicInteger CLINIT_SPAWNED = new AtomicInteger();

    /**
     * A class whose initialiser spawns a goroutine and is slow, so that other goroutines block
     * on its initialisation lock (a pinned wait) while runtime code runs inside {@code <clinit>}.
     * (An initialiser that also waited for that goroutine would hold every P with a blocked
     * carrier: that is sysmon's undeclared-blocking duty, tested with sysmon.)
     */
    static final class SlowInit {
        static final long VALUE;

        static {
            Sched s = Proc.currentSched();
            if (s != null) Proc.go(s, CLINIT_SPAWNED::incrementAndGet);
            long v = 0;
            for (int i = 0; i < 2_000_000; i++) v += i;
            VALUE = v;
        }
    }

    @Test
    void readyFromContendedPlacesNeverCorruptsAQueue() throws Exception {
        Sched s = TestSupport.newSched(4);
        int pairs = 8;
        int rounds = 20_000 * SCALE;
        Object monitor = new Object();
        ReentrantLock jucLock = new ReentrantLock();
        AtomicLong spawnedRan = new AtomicLong();
        AtomicLong clinitSeen = new AtomicLong();
        long total = TestSupport.run(s, () -> {
            CountDownLatch done = new CountDownLatch(pairs * 2);
            AtomicLong handoffs = new AtomicLong();
            for (int p = 0; p < pairs; p++) {
                Thread[] pair = new Thread[2];
                AtomicInteger turn = new AtomicInteger();
                CountDownLatch both = new CountDownLatch(2);
                for (int side = 0; side < 2; side++) {
                    int me = side;
                    int mode = p % 4;
                    Proc.go(s, () -> {
                        pair[me] = Thread.currentThread();
                        both.countDown();
                        try {
                            both.await();
                        } catch (InterruptedException e) {
                            throw new RuntimeException(e);
                        }
                        if (SlowInit.VALUE > 0) clinitSeen.incrementAndGet();
                        for (int i = 0; i < rounds; i++) {
                            while (turn.get() != me) LockSupport.park();
                            turn.set(1 - me);
                            // wake the partner from inside a contended place
                            switch (mode) {
                                case 0 -> {
                                    synchronized (monitor) {
                                        LockSupport.unpark(pair[1 - me]);
                                    }
                                }
                                case 1 -> {
                                    jucLock.lock();
                                    try {
                                        LockSupport.unpark(pair[1 - me]);
                                    } finally {
                                        jucLock.unlock();
                                    }
                                }
                                case 2 -> {
                                    LockSupport.unpark(pair[1 - me]);
                                    if ((i & 15) == 0) {
                                        synchronized (monitor) {
                                            Proc.go(s, spawnedRan::incrementAndGet);
                                        }
                                    }
                                }
                                default -> {
                                    LockSupport.unpark(pair[1 - me]);
                                    if ((i & 7) == 0) Thread.yield();
                                }
                            }
                            handoffs.incrementAndGet();
                        }
                        done.countDown();
                    });
                }
            }
            if (!done.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                fail("stuck: " + s.summary() + " handoffs=" + handoffs.get() + "\n" + s.goroutineDump());
            }
            return handoffs.get();
        });
        assertEquals((long) pairs * 2 * rounds, total);
        long expectedSpawned = 2L * ((rounds + 15) / 16) * (pairs / 4 + (pairs % 4 > 2 ? 1 : 0));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (spawnedRan.get() < expectedSpawned && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(expectedSpawned, spawnedRan.get());
        while (CLINIT_SPAWNED.get() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(1, CLINIT_SPAWNED.get(), "the class initialiser's goroutine ran once");
        assertEquals(pairs * 2L, clinitSeen.get());
        assertNull(s.failure(), "a debug check fired: " + s.failure());
        TestSupport.assertQuiescentAndSound(s);
        TestSupport.shutdownAndAssertNoThreads(s);
    }
}
