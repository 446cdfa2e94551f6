package dev.gort.agent;

/**
 * Test support: makes the JVM link a class, which runs its bytecode verifier over every method,
 * without initialising it (no static initialiser runs). HotSpot links a class before it hands
 * out its declared fields (jvm.cpp, JVM_GetClassDeclaredFields: {@code k->link_class}), and a
 * class that fails verification throws VerifyError from there; LinkerTest shows both.
 */
final class Linker {
    private Linker() {}

    /** Loads name in loader without initialising it and links it; returns the error, or null. */
    static Throwable link(String name, ClassLoader loader) {
        try {
            Class<?> c = Class.forName(name, false, loader);
            c.getDeclaredFields();
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return e;
        }
    }

    /** The kind and message of a link outcome, for comparing two loaders' outcomes. */
    static String describe(Throwable t) {
        return t == null ? "linked" : t.getClass().getName() + ": " + t.getMessage();
    }
}
