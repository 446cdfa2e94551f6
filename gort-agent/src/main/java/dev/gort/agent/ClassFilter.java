package dev.gort.agent;

/**
 * Which classes the agent transforms. Never the JDK's ({@code java.}, {@code javax.},
 * {@code jdk.}, {@code sun.}, {@code com.sun.}) nor gort's own runtime ({@code dev.gort} and
 * {@code dev.gort.runtime}, {@code dev.gort.agent}): a checkpoint inside the scheduler would
 * re-enter it. Otherwise: exclude patterns win; with include patterns, a matching class of any
 * loader but the JDK's own two; without them, every class the application class loader defines
 * (the class path).
 */
final class ClassFilter {
    private static final String[] NEVER = {
            "java/", "javax/", "jdk/", "sun/", "com/sun/", "dev/gort/runtime/", "dev/gort/agent/",
    };

    private final AgentOptions options;
    private final ClassLoader appLoader = ClassLoader.getSystemClassLoader();
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();

    ClassFilter(AgentOptions options) {
        this.options = options;
    }

    /** Whether gort's rules forbid transforming the class, whatever the options say. */
    static boolean never(String internalName) {
        for (String p : NEVER) {
            if (internalName.startsWith(p)) return true;
        }
        // the public API: classes directly in dev.gort
        return internalName.startsWith("dev/gort/") && internalName.indexOf('/', "dev/gort/".length()) < 0;
    }

    /** internalName as the JVM passes it (slashes); loader null for the boot loader. */
    boolean accepts(String internalName, ClassLoader loader) {
        if (internalName == null || loader == null || loader == platformLoader) return false;
        if (never(internalName)) return false;
        String name = internalName.replace('/', '.');
        for (var p : options.excludes()) {
            if (p.matcher(name).matches()) return false;
        }
        if (options.includes().isEmpty()) return loader == appLoader;
        for (var p : options.includes()) {
            if (p.matcher(name).matches()) return true;
        }
        return false;
    }
}
