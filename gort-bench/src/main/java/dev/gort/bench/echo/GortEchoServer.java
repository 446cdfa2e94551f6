package dev.gort.bench.echo;

import dev.gort.GortRuntime;
import dev.gort.net.TcpConn;
import dev.gort.net.TcpListener;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The gort echo server of {@link EchoBench}: a {@code dev.gort.net.TcpListener} on a free port and
 * one goroutine per connection, which reads into a buffer and writes back what it read, until
 * the client closes. Prints {@code PORT n} on stdout when it listens; runs until it is killed.
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
