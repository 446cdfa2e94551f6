package dev.gort.bench.echo;

/** What the three echo servers share: their buffer size and how they say they are ready. */
final class EchoServers {
    private EchoServers() {}

    /** Bytes read per call: Go's io.Copy buffer, used by all three servers. */
    static final int BUFFER_SIZE = 32 * 1024;

    /** The line a server prints on stdout once it listens; {@link Trial} waits for it. */
    static final String READY = "PORT ";

    static void ready(int port) {
        System.out.println(READY + port);
        System.out.flush();
    }
}
