package dev.gort.agent;

import java.util.Map;

/**
 * Test support: a class loader that defines the classes it is given itself, before asking its
 * parent, so a test can load the original and the transformed version of the same class side by
 * side, each in a loader of its own. Classes defined here are not the boot loader's, so the
 * JVM's bytecode verifier checks each of them when it is linked (BytecodeVerificationRemote,
 * on by default; LinkerTest makes sure).
 */
final class ChildFirstLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    /** classes: binary name to class-file bytes. */
    ChildFirstLoader(String name, Map<String, byte[]> classes, ClassLoader parent) {
        super(name, parent);
        this.classes = Map.copyOf(classes);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] b = classes.get(name);
                c = b != null ? defineClass(name, b, 0, b.length) : super.loadClass(name, false);
            }
            if (resolve) resolveClass(c);
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        throw new ClassNotFoundException(name);
    }
}
