package dev.gort.net;

import java.net.SocketException;

/**
 * The process is out of file descriptors (EMFILE) or the system is (ENFILE). Go: "too many
 * open files". Temporary: {@link TcpListener#accept()} waits it out with a back-off instead of
 * throwing; dial throws it.
 */
public final class TooManyOpenFilesException extends SocketException {
    public TooManyOpenFilesException(String msg) {
        super(msg);
    }
}
