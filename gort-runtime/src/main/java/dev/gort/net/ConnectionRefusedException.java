package dev.gort.net;

import java.net.ConnectException;

/** Nobody listens at the address dialled (ECONNREFUSED). Go: "connect: connection refused". */
public final class ConnectionRefusedException extends ConnectException {
    public ConnectionRefusedException(String msg) {
        super(msg);
    }
}
