package dev.gort.agent;

import dev.gort.Gort;
import dev.gort.GortRuntime;
import dev.gort.runtime.JdkHooks;
import dev.gort.runtime.Panic;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * The program side of {@code gort run}: {@code java ... dev.gort.agent.GortMain MAINCLASS [args]}
 * runs MAINCLASS's main method as the main goroutine of gort's default runtime (GOMAXPROCS and
 * GORTDEBUG as usual). The main method is found as the {@code java} launcher finds it (JLS
 * 12.1.4): a non-private {@code main(String[])}, else {@code main()}, static or, with a
 * non-private no-argument constructor, instance.
 *
 * <p>Exit status: what the program passes to {@code System.exit}; 2 with Go's panic report if
 * main throws; 1 if the class or its main method cannot be found. When main returns, the JVM
 * ends as Java programs end, once no non-daemon platform thread is left (goroutines, like
 * virtual threads, do not keep it alive).
 */
public final class GortMain {
    private GortMain() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: java ... dev.gort.agent.GortMain MAINCLASS [args...]  (gort run starts it)");
            System.exit(1);
        }
        try {
            JdkHooks.check();
        } catch (UnsupportedOperationException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        String name = args[0];
        String[] programArgs = Arrays.copyOfRange(args, 1, args.length);
        Method main;
        Class<?> c;
        try {
            c = Class.forName(name, false, ClassLoader.getSystemClassLoader());
            main = findMain(c);
        } catch (ClassNotFoundException | LinkageError e) {
            System.err.println("gort run: could not find or load main class " + name + " (" + e + ")");
            System.exit(1);
            return;
        }
        if (main == null) {
            System.err.println("gort run: no main method in class " + name
                    + ": declare a non-private main(String[]) or main(), static or instance");
            System.exit(1);
            return;
        }
        GortRuntime rt = Gort.defaultRuntime();
        long[] goid = new long[1];
        try {
            rt.run(() -> {
                goid[0] = Gort.goroutineId();
                try {
                    invoke(c, main, programArgs);
                } catch (Throwable t) {
                    throw Panic.<RuntimeException>sneaky(t);
                }
                return null;
            });
        } catch (Throwable t) {
            Panic.printReport(System.err, goid[0], 0, t);
            System.exit(2);
        }
    }

    private static void invoke(Class<?> c, Method main, String[] args) throws Throwable {
        try {
            main.setAccessible(true);
            Object target = null;
            if (!Modifier.isStatic(main.getModifiers())) {
                var ctor = c.getDeclaredConstructor();
                ctor.setAccessible(true);
                target = ctor.newInstance();
            }
            if (main.getParameterCount() == 1) {
                main.invoke(target, (Object) args);
            } else {
                main.invoke(target);
            }
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** JLS 12.1.4: main(String[]) before main(), declared or inherited, not private. */
    static Method findMain(Class<?> c) {
        Method m = find(c, String[].class);
        return m != null ? m : find(c);
    }

    private static Method find(Class<?> c, Class<?>... params) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                Method m = k.getDeclaredMethod("main", params);
                if (Modifier.isPrivate(m.getModifiers())) return null;
                if (!Modifier.isStatic(m.getModifiers()) && !hasNoArgConstructor(c)) return null;
                return m;
            } catch (NoSuchMethodException e) {
                // look further up
            }
        }
        return null;
    }

    private static boolean hasNoArgConstructor(Class<?> c) {
        try {
            return !Modifier.isPrivate(c.getDeclaredConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
