package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** select, after Go's test/chan/select*.go and doubleselect.go. */
@Timeout(60)
class SelectTest {

    static <T> T run(java.util.concurrent.Callable<T> main) throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            return rt.run(main);
        }
    }

    /** Go: test/chan/select3.go — what blocks and what does not. */
    @Test
    void selectSemantics() throws Exception {
        run(() -> {
            Chan<Integer> nil = Chan.nil();
            // nil channels never fire; default does
            assertEquals(-1, Select.selectNow(Select.recv(nil), Select.send(nil, 1)));
            // a closed channel is always ready to receive (ok=false)
            Chan<Integer> closed = new Chan<>();
            closed.close();
            var r = Select.recv(closed);
            assertEquals(1, Select.select(Select.recv(nil), r));
            assertFalse(r.ok());
            assertNull(r.value());
            // sending on a closed channel in a select panics
            assertEquals("send on closed channel", assertThrows(IllegalStateException.class,
                    () -> Select.select(Select.send(closed, 1))).getMessage());
            // a buffered channel with room: send ready; with data: receive ready
            Chan<Integer> b = new Chan<>(1);
            assertEquals(0, Select.selectNow(Select.send(b, 5)));
            var rb = Select.recv(b);
            assertEquals(0, Select.selectNow(rb));
            assertEquals(5, rb.value());
            assertTrue(rb.ok());
            // an empty select with default returns -1
            assertEquals(-1, Select.selectNow());
            // blocking select completes when a goroutine sends
            Chan<String> late = new Chan<>();
            Gort.go(() -> late.send("hi"));
            var rl = Select.recv(late);
            assertEquals(1, Select.select(Select.recv(nil), rl));
            assertEquals("hi", rl.value());
            // blocking select on a send completes when a goroutine receives
            Chan<String> sink = new Chan<>();
            Chan<String> got = new Chan<>(1);
            Gort.go(() -> got.send(sink.recv()));
            assertEquals(0, Select.select(Select.send(sink, "x"), Select.recv(nil)));
            assertEquals("x", got.recv());
            return null;
        });
    }

    /** Every ready case is chosen about 1/n of the time (Go: uniform pseudo-random choice). */
    @Test
    void fairAmongReadyCases() throws Exception {
        int[] counts = run(() -> {
            int n = 4;
            @SuppressWarnings("unchecked")
            Chan<Integer>[] cs = new Chan[n];
            for (int i = 0; i < n; i++) cs[i] = new Chan<>(1);
            int[] c = new int[n];
            int rounds = 40_000;
            for (int k = 0; k < rounds; k++) {
                for (Chan<Integer> ch : cs) ch.trySend(1); // all ready
                Select.Case[] cases = new Select.Case[n];
                for (int i = 0; i < n; i++) cases[i] = Select.recv(cs[i]);
                c[Select.select(cases)]++;
            }
            return c;
        });
        for (int x : counts) {
            // expected 10,000 each; standard deviation about 87: 9,400..10,600 is ~7 sigma
            assertTrue(x > 9_400 && x < 10_600, "unfair: " + java.util.Arrays.toString(counts));
        }
    }

    /** Go: test/chan/doubleselect.go — senders select over several channels, receivers too: every value arrives exactly once. */
    @Test
    void doubleSelect() throws Exception {
        int iterations = 20_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(iterations);
        run(() -> {
            Chan<Integer> c1 = new Chan<>(), c2 = new Chan<>(), c3 = new Chan<>(), c4 = new Chan<>();
            Chan<Integer> out = new Chan<>();
            WaitGroup senders = new WaitGroup();
            senders.add(1);
            Gort.go(() -> {
                for (int i = 0; i < iterations; i++) {
                    Select.select(Select.send(c1, i), Select.send(c2, i), Select.send(c3, i), Select.send(c4, i));
                }
                senders.done();
            });
            WaitGroup muxes = new WaitGroup();
            for (Chan<Integer> in : java.util.List.of(c1, c2, c3, c4)) {
                muxes.add(1);
                Gort.go(() -> {
                    Chan<Integer> stop = new Chan<>();
                    for (;;) {
                        var r = Select.recv(in);
                        var s = Select.recv(stop);
                        int k = Select.select(r, s);
                        if (k == 1 || !r.ok()) break;
                        out.send(r.value());
                    }
                    muxes.done();
                });
            }
            Gort.go(() -> {
                try {
                    senders.await();
                } catch (InterruptedException e) {
                    return;
                }
                c1.close();
                c2.close();
                c3.close();
                c4.close();
                try {
                    muxes.await();
                } catch (InterruptedException e) {
                    return;
                }
                out.close();
            });
            for (int v : out) seen.incrementAndGet(v);
            return null;
        });
        for (int i = 0; i < iterations; i++) assertEquals(1, seen.get(i), "value " + i);
    }

    @Test
    void aBlockedSelectWakesExactlyOnce() throws Exception {
        // Many goroutines each block in a select over the same two channels; for every value sent
        // exactly one select completes, and no value is taken twice or lost.
        AtomicLong received = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        run(() -> {
            Chan<Integer> a = new Chan<>(), b = new Chan<>();
            int waiters = 50, values = 10_000;
            WaitGroup wg = new WaitGroup();
            wg.add(waiters);
            Chan<Object> quit = new Chan<>();
            for (int w = 0; w < waiters; w++) {
                Gort.go(() -> {
                    for (;;) {
                        var ra = Select.recv(a);
                        var rb = Select.recv(b);
                        int k = Select.select(ra, rb, Select.recv(quit));
                        if (k == 2) break;
                        received.incrementAndGet();
                        sum.addAndGet(k == 0 ? ra.value() : rb.value());
                    }
                    wg.done();
                });
            }
            for (int i = 1; i <= values; i++) (i % 2 == 0 ? a : b).send(i);
            quit.close();
            wg.await();
            return null;
        });
        assertEquals(10_000, received.get());
        assertEquals(10_000L * 10_001 / 2, sum.get());
    }
}
