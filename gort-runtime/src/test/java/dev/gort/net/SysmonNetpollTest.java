package dev.gort.net;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * sysmon's 10 ms poll: with every P busy with CPU-bound goroutines that only yield when
 * preempted, no M runs findrunnable and none blocks in netpoll, so only sysmon polls; an echo
 * server's goroutines must still answer. Generous bounds; BENCHMARKS.md has the figures.
 *
 * <p>The hogs are "loops that never check". Here each calls {@code Gort.checkpoint()},
 * which only yields when sysmon has asked it to: a loop with no checkpoint at all would lose its
 * P to sysmon's runaway hand-off after 10 ms, and the freed P's M would then poll in
 * findrunnable, which is not the case this test is about (sysmon's own poll). Until preempted,
 * a checking hog runs exactly like one that never checks.
 */
@org.junit.jupiter.api.extension.ExtendWith(FdLeakCheck.class)
@Timeout(60)
class SysmonNetpollTest {

    private static long counter(String trace, String name) {
        Matcher m = Pattern.compile(" " + name + "=(\\d+)").matcher(trace);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void echoAnswersWhileEveryPRunsHogs() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().name("netpoll-hogs").gomaxprocs(2).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            TcpListener l = rt.run(() -> TcpListener.listen("127.0.0.1", 0));
            rt.go(() -> {
                try {
                    TcpConn c = l.accept();
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    for (;;) {
                        buf.clear();
                        if (c.read(buf) < 0) break;
                        buf.flip();
                        c.write(buf);
                    }
                    c.close();
                } catch (IOException e) {
                    // listener closed
                }
            });
            Thread.sleep(100); // the server parks in accept
            for (int i = 0; i < 2; i++) {
                rt.go(() -> {
                    long x = 88172645463325252L;
                    while (!stop.get()) {
                        for (int k = 0; k < 1000; k++) {
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                        }
                        Gort.checkpoint(); // yields only when sysmon preempts: never findrunnable
                    }
                    if (x == 42) System.out.print("");
                });
            }
            Thread.sleep(50);
            String start = rt.schedtrace(false);
            long before = counter(start, "sysmonpollready");
            int rounds = 100;
            String[] trace0 = new String[1];
            long[] rtt = new long[rounds];
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), l.port())) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                byte[] msg = new byte[32];
                for (int r = 0; r < rounds; r++) {
                    Thread.sleep(2); // think time: the server's goroutine is parked in read when the message comes
                    Arrays.fill(msg, (byte) r);
                    long t0 = System.nanoTime();
                    out.write(msg);
                    byte[] back = in.readNBytes(msg.length);
                    rtt[r] = System.nanoTime() - t0;
                    assertArrayEquals(msg, back);
                }
            } finally {
                trace0[0] = rt.schedtrace(false);
                stop.set(true);
                l.close();
            }
            Arrays.sort(rtt);
            long p99 = rtt[rounds * 99 / 100 - 1];
            String trace = start + trace0[0];
            long after = counter(trace0[0], "sysmonpollready");
            assertTrue(after > before, "sysmon's polls readied no goroutine: " + trace);
            assertTrue(p99 < 500_000_000L, "round trip p99 " + p99 / 1_000_000 + " ms: " + trace);
            System.out.printf("sysmon netpoll: %d round trips beside 2 hogs at P=2: p50 %.1f ms, p99 %.1f ms; %s",
                    rounds, rtt[rounds / 2] / 1e6, p99 / 1e6, trace);
        }
    }
}
