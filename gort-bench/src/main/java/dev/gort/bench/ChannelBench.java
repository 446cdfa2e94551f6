package dev.gort.bench;

import com.softwaremill.jox.Channel;
import dev.gort.Chan;
import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.Select;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Issue 4: gort's channels and select against the JDK's blocking queues and against jox
 * (com.softwaremill.jox:channels, Go-like channels for JDK virtual threads), in one JMH run.
 * The concrete classes {@link ChanP1} and {@link ChanP2} fix the parallelism of both schedulers
 * for their forks, as {@link P1} and {@link P2} do for {@link SchedulerBench}: GOMAXPROCS for
 * gort, {@code jdk.virtualThreadScheduler.parallelism} and {@code maxPoolSize} for the JDK's
 * default scheduler, on which the JDK queues and jox run.
 *
 * <p>Names: {@code <workload>_gort} uses {@link Chan} / {@link Select} in goroutines;
 * {@code <workload>_jdk} a {@code java.util.concurrent} queue in virtual threads on the default
 * scheduler; {@code <workload>_jox} jox's {@link Channel} / {@code Select} in virtual threads on
 * the default scheduler; {@code <workload>_joxOnGort} jox in goroutines (gort's scheduler, jox's
 * channel), which separates the channel's cost from the scheduler's. Each invocation is one
 * batch run inside a goroutine / virtual thread (the consumer) that starts its partner(s) itself;
 * {@code @OperationsPerInvocation} divides by the batch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class ChannelBench {
    static final int ROUND_TRIPS = 10_000;
    static final int MESSAGES = 100_000;
    /** Buffered channel / queue capacity (the issue: 16 or 64). */
    static final int CAPACITY = 16;
    /** Select: four producers, each on its own channel. */
    static final int PRODUCERS = 4;
    static final int SELECTS = 40_000;

    /** The ball of the ping-pong: one object, so no boxing in the loop. */
    private static final Integer BALL = 1;

    /** Small values come from Integer's cache: no allocation per message. */
    private static Integer msg(int i) {
        return i & 127;
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    // ---- 1. unbuffered ping-pong (ns per round trip) ----
    // ping sends on one channel, pong receives and answers on another.

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong_gort(GortState s) throws Exception {
        GortRuntime rt = s.rt;
        rt.run(() -> {
            Chan<Integer> ping = new Chan<>();
            Chan<Integer> pong = new Chan<>();
            Gort.go(() -> {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    pong.send(ping.recv());
                }
            });
            for (int i = 0; i < ROUND_TRIPS; i++) {
                ping.send(BALL);
                check(pong.recv() == BALL, "ball lost");
            }
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong_jdk(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> {
            SynchronousQueue<Integer> ping = new SynchronousQueue<>();
            SynchronousQueue<Integer> pong = new SynchronousQueue<>();
            Thread.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < ROUND_TRIPS; i++) {
                        pong.put(ping.take());
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < ROUND_TRIPS; i++) {
                ping.put(BALL);
                check(pong.take() == BALL, "ball lost");
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong_jox(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> joxPingPong(Thread::startVirtualThread));
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong_joxOnGort(GortState s) throws Exception {
        GortRuntime rt = s.rt;
        rt.run(() -> {
            joxPingPong(rt::go);
            return null;
        });
    }

    private static void joxPingPong(Workloads.Starter starter) throws InterruptedException {
        Channel<Integer> ping = Channel.newRendezvousChannel();
        Channel<Integer> pong = Channel.newRendezvousChannel();
        starter.start(() -> {
            try {
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    pong.send(ping.receive());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < ROUND_TRIPS; i++) {
            ping.send(BALL);
            check(pong.receive() == BALL, "ball lost");
        }
    }

    // ---- 2. buffered throughput, one producer, one consumer (ns per message) ----

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void buffered_gort(GortState s) throws Exception {
        GortRuntime rt = s.rt;
        rt.run(() -> {
            Chan<Integer> ch = new Chan<>(CAPACITY);
            Gort.go(() -> {
                for (int i = 0; i < MESSAGES; i++) {
                    ch.send(msg(i));
                }
            });
            long sum = 0;
            for (int i = 0; i < MESSAGES; i++) {
                sum += ch.recv();
            }
            check(sum == expectedSum(MESSAGES), "messages lost");
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void buffered_jdk(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> {
            ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);
            Thread.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < MESSAGES; i++) {
                        q.put(msg(i));
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long sum = 0;
            for (int i = 0; i < MESSAGES; i++) {
                sum += q.take();
            }
            check(sum == expectedSum(MESSAGES), "messages lost");
        });
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void buffered_jox(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> joxBuffered(Thread::startVirtualThread));
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void buffered_joxOnGort(GortState s) throws Exception {
        GortRuntime rt = s.rt;
        rt.run(() -> {
            joxBuffered(rt::go);
            return null;
        });
    }

    private static void joxBuffered(Workloads.Starter starter) throws InterruptedException {
        Channel<Integer> ch = Channel.newBufferedChannel(CAPACITY);
        starter.start(() -> {
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    ch.send(msg(i));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long sum = 0;
        for (int i = 0; i < MESSAGES; i++) {
            sum += ch.receive();
        }
        check(sum == expectedSum(MESSAGES), "messages lost");
    }

    private static long expectedSum(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) sum += i & 127;
        return sum;
    }

    // ---- 3. select over four receive cases (ns per select) ----
    // Four producers each send SELECTS / 4 messages on their own channel; the consumer selects
    // SELECTS times over the four receives. The cases are built anew for every select, as Go's
    // select statement and idiomatic code on both libraries do. "unbuffered": each select
    // completes a rendezvous with a blocked sender; "buffered": channels of CAPACITY, so the
    // producers run ahead and most selects find a value waiting.

    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public void select4_gort(GortState s) throws Exception {
        s.rt.run(() -> {
            gortSelect4(0);
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public void select4_jox(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> joxSelect4(Thread::startVirtualThread, 0));
    }

    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public void select4Buffered_gort(GortState s) throws Exception {
        s.rt.run(() -> {
            gortSelect4(CAPACITY);
            return null;
        });
    }

    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public void select4Buffered_jox(JdkState s) throws Exception {
        Workloads.runInVirtualThread(() -> joxSelect4(Thread::startVirtualThread, CAPACITY));
    }

    private static void gortSelect4(int capacity) {
        @SuppressWarnings("unchecked")
        Chan<Integer>[] chans = new Chan[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            Chan<Integer> ch = new Chan<>(capacity);
            chans[p] = ch;
            Gort.go(() -> {
                for (int i = 0; i < SELECTS / PRODUCERS; i++) {
                    ch.send(msg(i));
                }
            });
        }
        Chan<Integer> c0 = chans[0], c1 = chans[1], c2 = chans[2], c3 = chans[3];
        long sum = 0;
        for (int i = 0; i < SELECTS; i++) {
            var r0 = Select.recv(c0);
            var r1 = Select.recv(c1);
            var r2 = Select.recv(c2);
            var r3 = Select.recv(c3);
            sum += switch (Select.select(r0, r1, r2, r3)) {
                case 0 -> r0.value();
                case 1 -> r1.value();
                case 2 -> r2.value();
                case 3 -> r3.value();
                default -> throw new AssertionError("select returned no case");
            };
        }
        check(sum == PRODUCERS * expectedSum(SELECTS / PRODUCERS), "messages lost");
    }

    private static void joxSelect4(Workloads.Starter starter, int capacity) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Channel<Integer>[] chans = new Channel[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            Channel<Integer> ch = capacity == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(capacity);
            chans[p] = ch;
            starter.start(() -> {
                try {
                    for (int i = 0; i < SELECTS / PRODUCERS; i++) {
                        ch.send(msg(i));
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        Channel<Integer> c0 = chans[0], c1 = chans[1], c2 = chans[2], c3 = chans[3];
        long sum = 0;
        for (int i = 0; i < SELECTS; i++) {
            Integer v = com.softwaremill.jox.Select.select(
                    c0.receiveClause(), c1.receiveClause(), c2.receiveClause(), c3.receiveClause());
            sum += v;
        }
        check(sum == PRODUCERS * expectedSum(SELECTS / PRODUCERS), "messages lost");
    }
}
