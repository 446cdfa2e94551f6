package dev.gort.net;

import java.io.File;

/** Open file descriptors of this process (/proc/self/fd), or -1 where there is no /proc. */
final class FdCount {
    private FdCount() {}

    /**
     * Loads the JDK's own networking (its pollers open a few epoll descriptors once, for good)
     * with a loopback connection on NIO channels, so that a count taken after it compares like
     * with like.
     */
    static void warmUpJdk() throws java.io.IOException {
        warmUpOnce();
        // and from a virtual thread (goroutines are virtual threads), which starts the JDK's pollers
        java.util.concurrent.atomic.AtomicReference<java.io.IOException> err = new java.util.concurrent.atomic.AtomicReference<>();
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                warmUpOnce();
            } catch (java.io.IOException e) {
                err.set(e);
            }
        });
        try {
            vt.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (err.get() != null) throw err.get();
    }

    private static void warmUpOnce() throws java.io.IOException {
        try (java.nio.channels.ServerSocketChannel ss = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
             java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(ss.getLocalAddress());
             java.nio.channels.SocketChannel a = ss.accept();
             java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            c.write(java.nio.ByteBuffer.wrap(new byte[1]));
            a.read(java.nio.ByteBuffer.allocate(1));
        }
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            ss.getLocalPort();
        }
    }

    static int now() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** What the descriptors point at, for a failure message. */
    static String describe() {
        StringBuilder sb = new StringBuilder();
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) return "?";
        for (String fd : fds) {
            try {
                sb.append(fd).append("->").append(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", fd))).append(' ');
            } catch (java.io.IOException e) {
                sb.append(fd).append("->? ");
            }
        }
        return sb.toString();
    }

    /** Waits up to 5 s for the count to come down to at most max (closes finish asynchronously); returns it. */
    static int settle(int max) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        int n = now();
        while (n > max && System.nanoTime() < end) {
            Thread.sleep(20);
            n = now();
        }
        return n;
    }
}
