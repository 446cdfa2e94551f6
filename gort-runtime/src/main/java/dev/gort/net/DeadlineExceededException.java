package dev.gort.net;

import java.net.SocketTimeoutException;

/**
 * A read, write, accept or dial deadline passed. gort's one timeout type, like Go's
 * {@code os.ErrDeadlineExceeded} ("i/o timeout", {@code net.Error.Timeout() == true}). The
 * connection stays usable: extend or clear the deadline and try again.
 */
public final class DeadlineExceededException extends SocketTimeoutException {
    public DeadlineExceededException(String op) {
        super(op + ": i/o timeout");
    }

    /** Always true. Go: net.Error.Timeout(). */
    public boolean timeout() {
        return true;
    }
}
