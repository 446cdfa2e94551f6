package dev.gort.agent;

import dev.gort.GortRuntime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * Test support: what a call of a corpus case gave, a value or an exception (by class name and
 * message), comparable across class loaders as long as the value's class is the JDK's.
 */
record Outcome(Object value, String thrown) {

    /** Calls the static no-argument method on the calling thread. */
    static Outcome of(Method m) {
        try {
            return new Outcome(m.invoke(null), null);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            return new Outcome(null, t.getClass().getName() + ": " + t.getMessage());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls the static no-argument method as the main goroutine of rt. */
    static Outcome inGoroutine(GortRuntime rt, Method m) throws Exception {
        return rt.run(() -> of(m));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outcome other && Objects.deepEquals(value, other.value) && Objects.equals(thrown, other.thrown);
    }

    @Override
    public int hashCode() {
        return Objects.hash(thrown);
    }

    @Override
    public String toString() {
        return thrown != null ? "threw " + thrown : "returned " + value;
    }
}
