package dev.gort.net;

import java.net.SocketException;

/**
 * The connection or listener was closed (before the call, or while it waited). Go:
 * {@code net.ErrClosed}, "use of closed network connection".
 */
public final class NetClosedException extends SocketException {
    public NetClosedException(String op) {
        super(op + ": use of closed network connection");
    }
}
