package dev.gort.bench.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The JDK echo server of {@link EchoBench}: a {@link ServerSocket} on a free port and one virtual
 * thread per connection on the JDK's default scheduler, with plain {@link InputStream} and
 * {@link OutputStream}. The accept loop runs on the main (platform) thread. Prints
 * {@code PORT n} on stdout when it listens; runs until it is killed.
 *
 * <p>The stock JDK: {@link EchoBench} sets only {@code -Djdk.virtualThreadScheduler.parallelism}
 * (2, like gort's GOMAXPROCS), not {@code maxPoolSize}. The backlog is raised from
 * {@code ServerSocket}'s default of 50 to 4096, the value gort's and Go's listeners use (Go takes
 * {@code /proc/sys/net/core/somaxconn}), so that 1000 connections made at once are not dropped
 * and retried by the client's kernel.
 */
public final class JdkEchoServer {
    private JdkEchoServer() {}

    static final int BACKLOG = 4096;

    public static void main(String[] args) throws IOException {
        try (ServerSocket ss = new ServerSocket(0, BACKLOG)) {
            EchoServers.ready(ss.getLocalPort());
            for (;;) {
                Socket s = ss.accept();
                s.setTcpNoDelay(true); // as Go's and gort's accepted connections
                Thread.ofVirtual().start(() -> serve(s));
            }
        }
    }

    /** Echoes until the client closes; runs in the connection's virtual thread. */
    static void serve(Socket s) {
        byte[] buf = new byte[EchoServers.BUFFER_SIZE];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (IOException e) {
            // the load generator closed or reset the connection at the end of its run
        }
    }
}
