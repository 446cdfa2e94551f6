package dev.gort.net;

import java.net.BindException;

/** The address to listen on is taken (EADDRINUSE). Go: "bind: address already in use". */
public final class AddressInUseException extends BindException {
    public AddressInUseException(String msg) {
        super(msg);
    }
}
