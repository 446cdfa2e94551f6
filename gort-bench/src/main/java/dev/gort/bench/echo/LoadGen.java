package dev.gort.bench.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The echo benchmark's load generator, a process of its own started by {@link EchoBench}:
 * opens {@code conns} connections to the server on {@code port} (loopback), splits them over
 * {@code threads} platform threads ({@link Driver}, one NIO Selector each) and runs a closed
 * loop of {@code size}-byte round trips on every connection: {@code warmup} ms, then a measured
 * window of {@code window} ms. Arguments {@code key=value}; {@code serverpid} lets it read the
 * server's CPU time over the window.
 *
 * <p>Prints one line {@code RESULT key=value ...} (round trips per second, percentiles in µs,
 * CPU in cores) on stdout, or {@code ERROR text} and exits with status 1: a wrong or short echo, a
 * closed connection, a server that exited, or one that <b>stalled</b>: no round trip completed on
 * any connection for {@code stall} ms (2000 by default, beyond any pause of a working server here,
 * whose slowest round trips took up to 0.8 s on a busy machine), none in the window, or some
 * round trip in flight at the window's end was not back {@code stall} ms later.
 */
public final class LoadGen {
    private LoadGen() {}

    static final long CONNECT_TIMEOUT_MS = 30_000;

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int i = s.indexOf('=');
            if (i <= 0) fail("bad argument " + s);
            a.put(s.substring(0, i), s.substring(i + 1));
        }
        try {
            Map<String, Double> r = run(Integer.parseInt(need(a, "port")), Integer.parseInt(need(a, "conns")),
                    Integer.parseInt(need(a, "size")), Integer.parseInt(a.getOrDefault("threads", "2")),
                    Long.parseLong(a.getOrDefault("warmup", "2000")), Long.parseLong(a.getOrDefault("window", "3000")),
                    Long.parseLong(a.getOrDefault("stall", "2000")), Long.parseLong(a.getOrDefault("serverpid", "-1")));
            StringBuilder sb = new StringBuilder("RESULT");
            for (Map.Entry<String, Double> e : r.entrySet()) {
                sb.append(' ').append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.3f", e.getValue()));
            }
            System.out.println(sb);
            System.out.flush();
            System.exit(0);
        } catch (EchoFailure e) {
            fail(e.getMessage());
        } catch (Throwable e) {
            e.printStackTrace();
            fail(String.valueOf(e));
        }
    }

    static Map<String, Double> run(int port, int conns, int size, int threads, long warmupMs, long windowMs,
                                   long stallMs, long serverPid) throws Exception {
        if (conns < 1 || size < 1 || threads < 1 || windowMs < 1 || warmupMs < 0) throw new IllegalArgumentException("bad parameters");
        long c0 = System.nanoTime();
        List<SocketChannel> chs = connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), conns);
        double connectMs = (System.nanoTime() - c0) / 1e6;

        threads = Math.min(threads, conns);
        long start = System.nanoTime();
        long warmupEnd = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long windowEnd = warmupEnd + TimeUnit.MILLISECONDS.toNanos(windowMs);
        List<Driver> drivers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Driver.Conn> mine = new ArrayList<>();
            for (int i = t; i < conns; i += threads) mine.add(new Driver.Conn(i, chs.get(i), size));
            drivers.add(new Driver(mine, size, start, warmupEnd, windowEnd, TimeUnit.MILLISECONDS.toNanos(stallMs)));
        }
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) ts.add(Thread.ofPlatform().name("loadgen-" + t).daemon().start(drivers.get(t)));

        long self = ProcessHandle.current().pid();
        watch(drivers, warmupEnd, stallMs, serverPid);
        double server0 = ProcCpu.seconds(serverPid), client0 = ProcCpu.seconds(self);
        long w0 = System.nanoTime();
        watch(drivers, windowEnd, stallMs, serverPid);
        double server1 = ProcCpu.seconds(serverPid), client1 = ProcCpu.seconds(self);
        double wallS = (System.nanoTime() - w0) / 1e9;
        for (Thread t : ts) t.join(stallMs + 2_000); // they wait up to stallMs for the echoes in flight at windowEnd
        for (Driver d : drivers) if (d.error != null) throw new EchoFailure(d.error);

        Histogram h = new Histogram();
        long measured = 0, stuck = 0, oldest = 0;
        for (Driver d : drivers) {
            h.add(d.histogram);
            measured += d.measured;
            long[] s = d.stuck();
            stuck += s[0];
            oldest = Math.max(oldest, s[1]);
            d.closeAll();
        }
        if (measured == 0) {
            long all = 0;
            for (Driver d : drivers) all += d.completed;
            throw new EchoFailure("stalled: no round trip completed in the " + windowMs + " ms window (" + all + " in all)");
        }
        if (stuck > 0) {
            // Some connections stalled near the end of the window: their round trips are in none of the figures.
            throw new EchoFailure(String.format(Locale.ROOT,
                    "stalled: %d of the %d connections had no echo %.1f s after the end of the window (the longest waiting %.1f s)",
                    stuck, conns, stallMs / 1000.0, oldest / 1e9));
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rtps", measured / (windowMs / 1000.0));
        m.put("rts", (double) measured);
        m.put("p50", h.percentile(0.50) / 1e3);
        m.put("p90", h.percentile(0.90) / 1e3);
        m.put("p99", h.percentile(0.99) / 1e3);
        m.put("p999", h.percentile(0.999) / 1e3);
        m.put("max", h.max() / 1e3);
        m.put("mean", h.mean() / 1e3);
        m.put("servercpu", (server1 - server0) / wallS);
        m.put("clientcpu", (client1 - client0) / wallS);
        m.put("serverus", (server1 - server0) * 1e6 / measured);
        m.put("connectms", connectMs);
        return m;
    }

    /** Opens n non-blocking connections at once (TCP_NODELAY, as Go's and gort's dial) and waits until all are established. */
    static List<SocketChannel> connect(InetSocketAddress addr, int n) throws IOException {
        List<SocketChannel> chs = new ArrayList<>(n);
        try (Selector sel = Selector.open()) {
            int pending = 0;
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                chs.add(ch);
                if (!ch.connect(addr)) {
                    ch.register(sel, SelectionKey.OP_CONNECT);
                    pending++;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
            int[] left = {pending};
            while (left[0] > 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new EchoFailure(left[0] + " of " + n + " connections not established after " + CONNECT_TIMEOUT_MS / 1000 + " s");
                }
                sel.select(k -> {
                    try {
                        if (((SocketChannel) k.channel()).finishConnect()) {
                            k.cancel();
                            left[0]--;
                        }
                    } catch (IOException e) {
                        throw new EchoFailure("connect to " + addr + ": " + e);
                    }
                }, 100);
            }
        }
        return chs;
    }

    /**
     * Sleeps until deadline (nanoTime), checking every 100 ms that no driver failed, that some
     * round trip completed in the last stallMs, and that the server still runs.
     */
    private static void watch(List<Driver> drivers, long deadline, long stallMs, long serverPid) throws InterruptedException {
        for (long now; (now = System.nanoTime()) - deadline < 0; ) {
            Thread.sleep(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(deadline - now))));
            long last = Long.MIN_VALUE, total = 0;
            int conns = 0;
            for (Driver d : drivers) {
                if (d.error != null) throw new EchoFailure(d.error);
                last = Math.max(last, d.lastCompletion);
                total += d.completed;
                conns += d.connections();
            }
            if (serverPid > 0 && ProcessHandle.of(serverPid).map(p -> !p.isAlive()).orElse(true)) {
                throw new EchoFailure("the server (pid " + serverPid + ") exited during the run");
            }
            long quiet = System.nanoTime() - last;
            if (quiet > TimeUnit.MILLISECONDS.toNanos(stallMs)) {
                throw new EchoFailure(String.format(Locale.ROOT,
                        "stalled: no round trip completed on any of the %d connections for %.1f s (%d round trips before)",
                        conns, quiet / 1e9, total));
            }
        }
    }

    private static String need(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) fail("missing argument " + key + "=...");
        return v;
    }

    private static void fail(String why) {
        System.out.println("ERROR " + why.replace('\n', ' '));
        System.out.flush();
        System.exit(1);
    }
}
