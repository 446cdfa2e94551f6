package dev.gort.bench.echo;

import dev.gort.GortRuntime;
import dev.gort.net.TcpConn;
import dev.gort.net.TcpListener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The gort echo server of {@link EchoBench}: a {@code dev.gort.net.TcpListener} on a free port and
 * one goroutine per connection, which reads into a buffer and writes back what it read, until
 * the client closes. Prints {@code PORT n} on stdout when it listens; runs until it is killed.
 * A line {@code DUMP} on stdin makes it print gort's schedtrace (with detail) and every goroutine's
 * stack on stdout, between {@code DUMP BEGIN} and {@code DUMP END}: {@link Trial} asks for it when
 * the server stalls.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *     -cp gort-bench.jar dev.gort.bench.echo.GortEchoServer [gomaxprocs (2)]
 * </pre>
 */
public final class GortEchoServer {
    private GortEchoServer() {}

    public static void main(String[] args) throws Exception {
        int procs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        GortRuntime rt = GortRuntime.builder().name("echo").gomaxprocs(procs).build();
        Thread.ofPlatform().name("echo-dump").daemon().start(() -> dumpOnRequest(rt));
        rt.run(() -> { // the main goroutine: the accept loop, until the process is killed
            try (TcpListener l = TcpListener.listen(0)) {
                EchoServers.ready(l.port());
                for (;;) {
                    TcpConn c = l.accept();
                    rt.go(() -> serve(c));
                }
            }
        });
    }

    /** Runs on a platform thread of its own, so that it answers while the runtime is stuck. */
    private static void dumpOnRequest(GortRuntime rt) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.trim().equals("DUMP")) continue;
                String dump = rt.schedtrace(true) + "\n" + rt.goroutineDump();
                System.out.println("DUMP BEGIN\n" + dump.strip() + "\nDUMP END");
                System.out.flush();
            }
        } catch (IOException e) {
            // stdin closed: no more requests
        }
    }

    /** Echoes until the client closes; runs in the connection's goroutine. */
    static void serve(TcpConn c) {
        // A direct buffer: a heap buffer would be copied through a temporary direct one on every call.
        ByteBuffer buf = ByteBuffer.allocateDirect(EchoServers.BUFFER_SIZE);
        try (c) {
            for (;;) {
                buf.clear();
                if (c.read(buf) < 0) return;
                buf.flip();
                c.write(buf);
            }
        } catch (IOException e) {
            // the load generator closed or reset the connection at the end of its run
        }
    }
}
