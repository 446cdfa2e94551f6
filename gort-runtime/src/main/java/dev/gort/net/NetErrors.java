package dev.gort.net;

import dev.gort.runtime.PollDesc;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/** Maps the JDK's I/O exceptions and the poller's error codes onto gort's net exceptions. */
final class NetErrors {
    private NetErrors() {}

    /** op is Go's "read tcp 127.0.0.1:5000->127.0.0.1:41234" style prefix. */
    static IOException map(IOException e, String op) {
        if (e instanceof NetClosedException || e instanceof DeadlineExceededException
                || e instanceof ConnectionRefusedException || e instanceof ConnectionResetException
                || e instanceof AddressInUseException || e instanceof TooManyOpenFilesException) {
            return e;
        }
        if (e instanceof ClosedChannelException) return withCause(new NetClosedException(op), e);
        String m = String.valueOf(e.getMessage());
        IOException out;
        if (isEmfile(e)) {
            out = new TooManyOpenFilesException(op + ": too many open files");
        } else if (e instanceof ConnectException || m.contains("Connection refused")) {
            out = new ConnectionRefusedException(op + ": connection refused");
        } else if (m.contains("Connection reset")) {
            out = new ConnectionResetException(op + ": connection reset by peer");
        } else if (m.contains("Broken pipe")) {
            out = new ConnectionResetException(op + ": broken pipe");
        } else if (e instanceof BindException && m.contains("in use")) {
            out = new AddressInUseException(op + ": address already in use");
        } else {
            return e;
        }
        return withCause(out, e);
    }

    static boolean isEmfile(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Too many open files");
    }

    /** The exception for a poller error code (not OK). */
    static IOException poll(int err, String op) {
        return err == PollDesc.ERR_TIMEOUT ? new DeadlineExceededException(op) : new NetClosedException(op);
    }

    private static IOException withCause(IOException out, Throwable cause) {
        out.initCause(cause);
        return out;
    }
}
