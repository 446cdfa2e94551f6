package dev.gort;

import dev.gort.runtime.HChan;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A Go channel: unbuffered ({@code new Chan<>()}) or buffered ({@code new Chan<>(n)}), FIFO,
 * with Go's semantics. A goroutine that blocks parks through gort's scheduler (its P runs other
 * goroutines); a platform thread blocks. Every operation is a preemption checkpoint.
 *
 * <ul>
 *   <li>{@link #send} blocks until a receiver takes the value (unbuffered) or there is room;
 *       on a closed channel it throws {@code IllegalStateException("send on closed channel")}.</li>
 *   <li>{@link #recv} blocks until a value arrives; on a closed channel it drains the buffer,
 *       then returns null ({@link #recvOk} tells a null value from a closed channel).</li>
 *   <li>{@link #close} wakes every waiting receiver (ok=false) and sender (which throws);
 *       closing twice throws {@code "close of closed channel"}.</li>
 *   <li>{@link #nil()} is Go's nil channel: sends and receives block forever, and in a
 *       {@link Select} its case never fires.</li>
 *   <li>Iterating receives until the channel is closed and drained ({@code for v := range ch}).</li>
 * </ul>
 * A goroutine blocked on a channel that {@link GortRuntime#shutdownNow()} interrupts gets
 * {@link GoroutineInterruptedException}; the operation did not happen.
 */
public final class Chan<T> implements Iterable<T> {
    final HChan c;

    /** An unbuffered channel. Go: make(chan T). */
    public Chan() {
        this(0);
    }

    /** A channel with a buffer of capacity elements (0: unbuffered). Go: make(chan T, capacity). */
    public Chan(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("gort: channel capacity must not be negative, got " + capacity);
        this.c = new HChan(capacity, false);
    }

    private Chan(HChan c) {
        this.c = c;
    }

    /** Go's nil channel: blocks forever; never ready in a select; closing it throws. */
    public static <T> Chan<T> nil() {
        return new Chan<>(new HChan(0, true));
    }

    /** The result of a receive: the value, and false if the channel was closed and drained. */
    public record Received<T>(T value, boolean ok) {
    }

    /** Sends v, blocking as needed. Go: ch <- v. */
    public void send(T v) {
        c.send(v, true);
    }

    /** Sends v if that can be done without blocking. Go: select { case ch <- v: default: }. */
    public boolean trySend(T v) {
        return c.send(v, false);
    }

    /** Receives a value, or null once the channel is closed and drained. Go: v := <-ch. */
    @SuppressWarnings("unchecked")
    public T recv() {
        Object[] r = new Object[1];
        c.recv(r, true);
        return (T) r[0];
    }

    /** Receives with Go's ok flag. Go: v, ok := <-ch. */
    @SuppressWarnings("unchecked")
    public Received<T> recvOk() {
        Object[] r = new Object[1];
        boolean ok = c.recv(r, true);
        return new Received<>((T) r[0], ok);
    }

    /**
     * Receives without blocking: null if nothing is ready; else the result (ok=false when closed).
     * Go: select { case v, ok := <-ch: default: }.
     */
    @SuppressWarnings("unchecked")
    public Received<T> tryRecv() {
        Object[] r = new Object[1];
        Boolean ok = c.recv(r, false);
        return ok == null ? null : new Received<>((T) r[0], ok);
    }

    /** Go: close(ch). */
    public void close() {
        c.close();
    }

    /** Elements in the buffer. Go: len(ch). */
    public int len() {
        return c.len();
    }

    /** Buffer capacity. Go: cap(ch). */
    public int cap() {
        return c.cap();
    }

    /** Receives until the channel is closed and drained. Go: for v := range ch. */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            Received<T> next;

            @Override
            public boolean hasNext() {
                if (next == null) next = recvOk();
                return next.ok();
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException("channel closed");
                T v = next.value();
                next = null;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        return c.isNil() ? "Chan[nil]" : "Chan[len=" + c.len() + " cap=" + c.cap() + "]";
    }
}
