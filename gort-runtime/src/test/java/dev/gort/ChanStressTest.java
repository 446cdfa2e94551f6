package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Many goroutines, channels and random closes: every value sent is received at most once,
 * every value sent before the close (and not refused) is received exactly once, and no
 * goroutine stays stuck.
 */
@Timeout(120)
class ChanStressTest {
    static final int SCALE = Integer.getInteger("gort.stress.scale", 1);

    @Test
    void randomClosesLoseAndDuplicateNothing() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(4).build()) {
            for (int round = 0; round < 20 * SCALE; round++) {
                int channels = 8, producers = 16, consumers = 16, perProducer = 500;
                int total = producers * perProducer;
                AtomicIntegerArray sent = new AtomicIntegerArray(total);
                AtomicIntegerArray got = new AtomicIntegerArray(total);
                AtomicLong refused = new AtomicLong();
                rt.run(() -> {
                    @SuppressWarnings("unchecked")
                    Chan<Integer>[] cs = new Chan[channels];
                    for (int i = 0; i < channels; i++) cs[i] = new Chan<>(ThreadLocalRandom.current().nextInt(0, 4));
                    WaitGroup prod = new WaitGroup();
                    WaitGroup cons = new WaitGroup();
                    prod.add(producers);
                    cons.add(consumers);
                    for (int p = 0; p < producers; p++) {
                        int base = p * perProducer;
                        Gort.go(() -> {
                            ThreadLocalRandom r = ThreadLocalRandom.current();
                            for (int i = 0; i < perProducer; i++) {
                                int v = base + i;
                                Chan<Integer> a = cs[r.nextInt(channels)], b = cs[r.nextInt(channels)];
                                try {
                                    if (r.nextBoolean()) a.send(v);
                                    else Select.select(Select.send(a, v), Select.send(b, v));
                                    sent.incrementAndGet(v);
                                } catch (IllegalStateException closed) {
                                    refused.incrementAndGet();
                                }
                            }
                            prod.done();
                        });
                    }
                    for (int k = 0; k < consumers; k++) {
                        Gort.go(() -> {
                            ThreadLocalRandom r = ThreadLocalRandom.current();
                            int open = channels;
                            boolean[] gone = new boolean[channels];
                            while (open > 0) {
                                int i = r.nextInt(channels);
                                if (gone[i]) continue;
                                Chan.Received<Integer> v = cs[i].recvOk();
                                if (!v.ok()) {
                                    gone[i] = true;
                                    open--;
                                } else {
                                    got.incrementAndGet(v.value());
                                }
                            }
                            cons.done();
                        });
                    }
                    // close the channels at random moments while traffic flows
                    Gort.go(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        for (int i = 0; i < channels; i++) {
                            try {
                                Thread.sleep(r.nextInt(3));
                            } catch (InterruptedException e) {
                                return;
                            }
                            cs[i].close();
                        }
                    });
                    prod.await();
                    cons.await();
                    return null;
                });
                long delivered = 0;
                for (int v = 0; v < total; v++) {
                    assertTrue(got.get(v) <= 1, "value " + v + " received twice");
                    assertEquals(sent.get(v), got.get(v), "value " + v + ": sent " + sent.get(v) + " received " + got.get(v));
                    delivered += got.get(v);
                }
                assertEquals(total, delivered + refused.get(), "every send either delivered or refused");
                assertEquals(0, rt.numGoroutine() > 1 ? waitForQuiet(rt) : 0, "no goroutine stuck");
            }
        }
    }

    private static int waitForQuiet(GortRuntime rt) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (rt.numGoroutine() > 0 && System.nanoTime() < end) Thread.sleep(1);
        return rt.numGoroutine();
    }
}
