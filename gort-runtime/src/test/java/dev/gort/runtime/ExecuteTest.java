package dev.gort.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

/** Goroutines run on gort's Ms, unmount in JDK blocking calls and come back on gort's Ms. */
@Timeout(60)
class ExecuteTest {
    Sched s;

    @BeforeEach
    void setUp() {
        s = TestSupport.newSched(2);
    }

    @AfterEach
    void tearDown() throws Exception {
        TestSupport.assertQuiescentAndSound(s);
        TestSupport.shutdownAndAssertNoThreads(s);
    }

    /** Records the M of the calling goroutine; fails if it is not one of s's Ms. */
    private M onOurM(Set<String> seen) {
        M mp = TestSupport.currentM();
        assertNotNull(mp, "goroutine is not running on a gort M: carrier " + Thread.currentThread());
        assertSame(s, mp.sched);
        assertTrue(mp.getName().startsWith("gort-m"), mp.getName());
        assertTrue(Thread.currentThread().isVirtual());
        seen.add(mp.getName());
        return mp;
    }

    @Test
    void goroutinesBlockingInJdkPrimitivesUnmountAndResumeOnGortMs() throws Exception {
        Set<String> ms = ConcurrentHashMap.newKeySet();
        int n = TestSupport.run(s, () -> {
            ReentrantLock lock = new ReentrantLock();
            Object monitor = new Object();
            CountDownLatch started = new CountDownLatch(4);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger done = new AtomicInteger();
            // java.util.concurrent lock, held by the main goroutine while the other waits
            lock.lock();
            Proc.go(s, () -> {
                onOurM(ms);
                started.countDown();
                lock.lock();
                try {
                    onOurM(ms);
                    done.incrementAndGet();
                } finally {
                    lock.unlock();
                }
            });
            // Object.wait / notify
            boolean[] flag = new boolean[1];
            Proc.go(s, () -> {
                onOurM(ms);
                synchronized (monitor) {
                    started.countDown();
                    while (!flag[0]) {
                        try {
                            monitor.wait();
                        } catch (InterruptedException e) {
                            throw new RuntimeException(e);
                        }
                    }
                }
                onOurM(ms);
                done.incrementAndGet();
            });
            // Thread.sleep (woken by the JDK's unparker thread)
            Proc.go(s, () -> {
                onOurM(ms);
                started.countDown();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                onOurM(ms);
                done.incrementAndGet();
            });
            // a socket read on loopback (the JDK's poller wakes it)
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Proc.go(s, () -> {
                    onOurM(ms);
                    try (Socket c = server.accept(); InputStream in = c.getInputStream()) {
                        started.countDown();
                        int b = in.read();
                        onOurM(ms);
                        assertEquals(42, b);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                     OutputStream out = c.getOutputStream()) {
                    started.await();
                    Thread.sleep(20);
                    lock.unlock();
                    synchronized (monitor) {
                        flag[0] = true;
                        monitor.notifyAll();
                    }
                    out.write(42);
                    out.flush();
                    while (done.get() < 4) Thread.sleep(1);
                }
            }
            go.countDown();
            return done.get();
        });
        assertEquals(4, n);
        assertFalse(ms.isEmpty());
    }

    @Test
    void aBlockedGoroutineDoesNotHoldItsProcessor() throws Exception {
        // GOMAXPROCS=1 (after a resize): one goroutine blocks in park; another must still run.
        s.gomaxprocs();
        Proc.gomaxprocs(s, 1);
        boolean ran = TestSupport.run(s, () -> {
            Thread[] blocked = new Thread[1];
            CountDownLatch parked = new CountDownLatch(1);
            Proc.go(s, () -> {
                blocked[0] = Thread.currentThread();
                parked.countDown();
                LockSupport.park();
            });
            parked.await();
            AtomicInteger ran2 = new AtomicInteger();
            CountDownLatch d = new CountDownLatch(1);
            Proc.go(s, () -> {
                ran2.incrementAndGet();
                d.countDown();
            });
            d.await();
            LockSupport.unpark(blocked[0]);
            return ran2.get() == 1;
        });
        assertTrue(ran);
    }

    @Test
    void aVirtualThreadCreatedInsideAGoroutineBecomesAGoroutine() throws Exception {
        Set<String> ms = ConcurrentHashMap.newKeySet();
        long[] goids = TestSupport.run(s, () -> {
            long[] r = new long[3];
            Thread child = Thread.ofVirtual().start(() -> {
                onOurM(ms);
                r[0] = Proc.currentGoid();
                try {
                    Thread.sleep(5); // park and come back through the parent's executor
                    Thread grandchild = Thread.ofVirtual().start(() -> r[2] = Proc.currentGoid());
                    grandchild.join();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                onOurM(ms);
                r[1] = s.numGoroutine();
            });
            child.join();
            return r;
        });
        assertTrue(goids[0] > 1, "child has a goroutine id of its own: " + goids[0]);
        assertTrue(goids[1] >= 2, "main and child counted: " + goids[1]);
        assertTrue(goids[2] > goids[0], "grandchild is a goroutine too: " + goids[2]);
        assertEquals(2, s.nadopted.get());
    }
}
