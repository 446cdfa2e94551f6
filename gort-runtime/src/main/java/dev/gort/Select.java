package dev.gort;

import dev.gort.runtime.HChan;
import dev.gort.runtime.SelectGo;

import java.util.Objects;

/**
 * Go's select statement. Build cases with {@link #recv} and {@link #send}, then call
 * {@link #select} (blocks until one case can proceed) or {@link #selectNow} (Go's
 * {@code default}: returns -1 if none can). The chosen case's index is returned; a receive case
 * then holds its value and ok flag. Among ready cases the choice is uniformly random.
 *
 * <pre>{@code
 * var in = Select.recv(requests);
 * var out = Select.send(replies, answer);
 * switch (Select.select(in, out)) {
 *     case 0 -> handle(in.value());
 *     case 1 -> sent();
 * }
 * }</pre>
 */
public final class Select {
    private Select() {}

    /** One case of a select. */
    public abstract static sealed class Case permits RecvCase, SendCase {
        final Chan<?> ch;

        Case(Chan<?> ch) {
            this.ch = Objects.requireNonNull(ch, "gort: select case on a null channel (use Chan.nil())");
        }
    }

    /** A receive case: after it is chosen, {@link #value()} and {@link #ok()}. */
    public static final class RecvCase<T> extends Case {
        T value;
        boolean ok;

        RecvCase(Chan<T> ch) {
            super(ch);
        }

        public T value() {
            return value;
        }

        /** False if the channel was closed and drained. */
        public boolean ok() {
            return ok;
        }
    }

    /** A send case. */
    public static final class SendCase<T> extends Case {
        final T v;

        SendCase(Chan<T> ch, T v) {
            super(ch);
            this.v = v;
        }
    }

    public static <T> RecvCase<T> recv(Chan<T> ch) {
        return new RecvCase<>(ch);
    }

    public static <T> SendCase<T> send(Chan<T> ch, T v) {
        return new SendCase<>(ch, v);
    }

    /** Blocks until a case proceeds; returns its index. With no cases, blocks forever (Go). */
    public static int select(Case... cases) {
        return run(cases, true);
    }

    /** Returns the index of a case that proceeded without blocking, or -1 (Go's default). */
    public static int selectNow(Case... cases) {
        return run(cases, false);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int run(Case[] cases, boolean block) {
        int n = cases.length;
        HChan[] chans = new HChan[n];
        boolean[] isSend = new boolean[n];
        Object[] vals = new Object[n];
        for (int i = 0; i < n; i++) {
            Case k = Objects.requireNonNull(cases[i], "gort: null select case");
            chans[i] = k.ch.c;
            if (k instanceof SendCase s) {
                isSend[i] = true;
                vals[i] = s.v;
            }
        }
        Object[] rv = new Object[1];
        boolean[] ok = new boolean[1];
        int i = SelectGo.select(chans, isSend, vals, block, rv, ok);
        if (i >= 0 && cases[i] instanceof RecvCase r) {
            r.value = rv[0];
            r.ok = ok[0];
        }
        return i;
    }
}
