package dev.gort.net;

import java.net.SocketException;

/**
 * The peer reset the connection (ECONNRESET), or it had closed it and a write found out
 * (EPIPE). Go: "read: connection reset by peer", "write: broken pipe".
 */
public final class ConnectionResetException extends SocketException {
    public ConnectionResetException(String msg) {
        super(msg);
    }
}
