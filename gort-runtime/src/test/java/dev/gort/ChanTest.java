package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Channels, after Go's test/chan programs (sieve, fifo, nonblock, zerosize) and chan semantics. */
@Timeout(60)
class ChanTest {

    static <T> T run(java.util.concurrent.Callable<T> main) throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            return rt.run(main);
        }
    }

    /** Go: test/chan/sieve1.go — a daisy chain of filter goroutines. */
    @Test
    void primeSieve() throws Exception {
        List<Integer> primes = run(() -> {
            Chan<Integer> ch = new Chan<>();
            Gort.go(() -> {
                for (int i = 2; ; i++) ch.send(i);
            });
            List<Integer> out = new ArrayList<>();
            Chan<Integer> in = ch;
            for (int i = 0; i < 100; i++) {
                int prime = in.recv();
                out.add(prime);
                Chan<Integer> src = in, dst = new Chan<>();
                Gort.go(() -> {
                    for (;;) {
                        int v = src.recv();
                        if (v % prime != 0) dst.send(v);
                    }
                });
                in = dst;
            }
            return out;
        });
        assertEquals(100, primes.size());
        assertEquals(List.of(2, 3, 5, 7, 11, 13, 17, 19, 23, 29), primes.subList(0, 10));
        assertEquals(541, primes.get(99));
    }

    /** Go: test/chan/fifo.go — values come out in order, through a chain of goroutines. */
    @Test
    void fifoOrder() throws Exception {
        run(() -> {
            int n = 10;
            Chan<Integer> buffered = new Chan<>(n);
            for (int i = 0; i < n; i++) buffered.send(i);
            for (int i = 0; i < n; i++) assertEquals(i, buffered.recv());
            // synchronous chain: each goroutine waits for its predecessor
            Chan<Integer> unbuffered = new Chan<>();
            Chan<Object> start = new Chan<>();
            Chan<Object> in = start;
            for (int i = 0; i < n; i++) {
                Chan<Object> out = new Chan<>();
                Chan<Object> myIn = in;
                int k = i;
                Gort.go(() -> {
                    myIn.recv();
                    unbuffered.send(k);
                    out.send(Boolean.TRUE);
                });
                in = out;
            }
            start.send(Boolean.TRUE);
            for (int i = 0; i < n; i++) assertEquals(i, unbuffered.recv());
            return null;
        });
    }

    /** Go: test/chan/nonblock.go. */
    @Test
    void nonblockingOperations() throws Exception {
        run(() -> {
            Chan<Integer> unbuffered = new Chan<>();
            assertFalse(unbuffered.trySend(1), "nobody receives");
            assertNull(unbuffered.tryRecv(), "nobody sends");
            Chan<Integer> buffered = new Chan<>(1);
            assertTrue(buffered.trySend(1));
            assertFalse(buffered.trySend(2), "full");
            assertEquals(new Chan.Received<>(1, true), buffered.tryRecv());
            assertNull(buffered.tryRecv(), "empty");
            // a waiting receiver makes a non-blocking send succeed (direct hand-off)
            AtomicInteger got = new AtomicInteger();
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            Gort.go(() -> {
                got.set(unbuffered.recv());
                wg.done();
            });
            while (!unbuffered.trySend(7)) Gort.gosched();
            wg.await();
            assertEquals(7, got.get());
            buffered.close();
            assertEquals(new Chan.Received<>(null, false), buffered.tryRecv(), "closed: ready, ok=false");
            return null;
        });
    }

    /** Go: test/chan/zerosize.go — values that carry nothing (here: null) still synchronise. */
    @Test
    void zeroSizeElements() throws Exception {
        run(() -> {
            Chan<Void> done = new Chan<>();
            Gort.go(() -> done.send(null));
            Chan.Received<Void> r = done.recvOk();
            assertTrue(r.ok(), "a null value is a value: ok=true");
            assertNull(r.value());
            Chan<Void> buf = new Chan<>(3);
            buf.send(null);
            buf.send(null);
            assertEquals(2, buf.len());
            assertEquals(3, buf.cap());
            return null;
        });
    }

    @Test
    void closeSemantics() throws Exception {
        run(() -> {
            Chan<String> c = new Chan<>(3);
            c.send("a");
            c.send("b");
            c.close();
            assertEquals("send on closed channel", assertThrows(IllegalStateException.class, () -> c.send("x")).getMessage());
            assertEquals("close of closed channel", assertThrows(IllegalStateException.class, c::close).getMessage());
            assertEquals("a", c.recv(), "the buffer drains after close");
            assertEquals(new Chan.Received<>("b", true), c.recvOk());
            assertEquals(new Chan.Received<>(null, false), c.recvOk());
            assertNull(c.recv());
            assertEquals("close of nil channel", assertThrows(IllegalStateException.class, () -> Chan.nil().close()).getMessage());
            assertThrows(IllegalArgumentException.class, () -> new Chan<>(-1));
            // close wakes blocked receivers (ok=false) and blocked senders (they throw)
            Chan<Integer> u = new Chan<>();
            WaitGroup wg = new WaitGroup();
            wg.add(2);
            AtomicInteger receiverOk = new AtomicInteger(-1);
            AtomicInteger senderThrew = new AtomicInteger();
            Gort.go(() -> {
                receiverOk.set(u.recvOk().ok() ? 1 : 0);
                wg.done();
            });
            Chan<Integer> v = new Chan<>();
            Gort.go(() -> {
                try {
                    v.send(1);
                } catch (IllegalStateException e) {
                    if (e.getMessage().equals("send on closed channel")) senderThrew.incrementAndGet();
                }
                wg.done();
            });
            Thread.sleep(50);
            u.close();
            v.close();
            wg.await();
            assertEquals(0, receiverOk.get());
            assertEquals(1, senderThrew.get());
            return null;
        });
    }

    @Test
    void rangeReceivesUntilClosed() throws Exception {
        int sum = run(() -> {
            Chan<Integer> c = new Chan<>(4);
            Gort.go(() -> {
                for (int i = 1; i <= 100; i++) c.send(i);
                c.close();
            });
            int s = 0;
            for (int v : c) s += v;
            return s;
        });
        assertEquals(5050, sum);
    }

    @Test
    void platformThreadsMayUseChannels() throws Exception {
        Chan<Integer> c = new Chan<>();
        Thread t = Thread.ofPlatform().start(() -> c.send(42));
        assertEquals(42, c.recv());
        t.join();
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(1).build()) {
            // a goroutine waits for a platform thread: no false deadlock
            Thread late = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                c.send(7);
            });
            assertEquals(7, (int) rt.run(c::recv));
            late.join();
        }
    }

    @Test
    void goroutinesBlockedForeverOnChannelsAreADeadlock() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(2).panicOutput(new PrintStream(new ByteArrayOutputStream())).build();
        DeadlockException e = assertThrows(DeadlockException.class, () -> rt.run(() -> {
            Chan<Integer> c = new Chan<>();
            Gort.go(() -> c.send(1));        // nobody receives
            Gort.go(() -> Chan.nil().recv()); // a nil channel
            new Chan<Integer>().recv();       // main waits on a channel nobody sends on
            return null;
        }));
        String m = e.getMessage();
        assertTrue(m.contains("goroutine 1 [chan receive"), m);
        assertTrue(m.contains("[chan send"), m);
        assertTrue(m.contains("[chan receive (nil chan)"), m);
        assertTrue(rt.awaitTermination(Duration.ofSeconds(10)));
    }

    @Test
    void shutdownNowUnblocksGoroutinesBlockedOnChannels() throws Exception {
        GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build();
        AtomicInteger interrupted = new AtomicInteger();
        Chan<Integer> c = new Chan<>();
        java.util.concurrent.CountDownLatch in = new java.util.concurrent.CountDownLatch(3);
        rt.go(() -> {
            try {
                in.countDown();
                c.recv();
            } catch (GoroutineInterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        rt.go(() -> {
            try {
                in.countDown();
                c.send(1);
                c.send(2); // the first send may meet the receiver above; this one blocks
            } catch (GoroutineInterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        rt.go(() -> {
            try {
                in.countDown();
                Select.select(Select.recv(new Chan<Integer>()), Select.recv(Chan.nil()));
            } catch (GoroutineInterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        in.await();
        Thread.sleep(100);
        rt.close();
        assertTrue(interrupted.get() >= 2, "blocked goroutines were interrupted: " + interrupted.get());
        assertTrue(rt.isTerminated());
    }
}
