package dev.gort.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;

/**
 * The gort agent: {@code -javaagent:gort-agent.jar[=OPTIONS]} at start-up ({@link #premain}),
 * or attached to a running JVM ({@link #agentmain}, which also retransforms the matching
 * classes already loaded). See {@link AgentOptions} for OPTIONS.
 *
 * <p>What it does to each class it accepts ({@link ClassFilter}): a checkpoint at every loop
 * back-edge, as Go's compiler puts its preemption check into function prologues, so that
 * sysmon's preemption reaches loops that call nothing ({@link Checkpoints}); and the JDK's
 * virtual-thread factories replaced by gort's ({@link VirtualThreadCalls}), so that the
 * program's virtual threads are goroutines. A checkpoint is one load of a static volatile int
 * and a branch where nothing is pending (the innermost counted loops are strip-mined so that it
 * runs once per strip, not per trip), and does nothing on a platform thread or a virtual thread
 * that is not a goroutine.
 */
public final class GortAgent {
    private GortAgent() {}

    private static volatile AgentStats stats;

    /** Totals so far, or null when the agent is not loaded. */
    public static AgentStats stats() {
        return stats;
    }

    public static void premain(String args, Instrumentation inst) {
        install(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        install(args, inst, true);
    }

    private static synchronized void install(String args, Instrumentation inst, boolean retransform) {
        if (stats != null) {
            System.err.println("gort-agent: already loaded; ignoring the second load");
            return;
        }
        AgentOptions options = AgentOptions.parse(args);
        AgentStats s = new AgentStats();
        Instrumenter instrumenter = new Instrumenter(options, s);
        ClassFilter filter = new ClassFilter(options);
        inst.addTransformer(new Transformer(instrumenter, filter, options.verbose()), true);
        stats = s;
        if (options.verbose()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(s), "gort-agent-stats"));
        }
        if (retransform && inst.isRetransformClassesSupported()) {
            List<Class<?>> todo = new ArrayList<>();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (!c.isHidden() && !c.isArray() && !c.isPrimitive() && inst.isModifiableClass(c)
                        && filter.accepts(c.getName().replace('.', '/'), c.getClassLoader())) {
                    todo.add(c);
                }
            }
            for (Class<?> c : todo) {
                try {
                    inst.retransformClasses(c);
                } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
                    System.err.println("gort-agent: warning: could not retransform " + c.getName() + ": " + e);
                }
            }
        }
    }

    /** The JVM's hook: called for every class defined (and retransformed) from now on. */
    private record Transformer(Instrumenter instrumenter, ClassFilter filter, boolean verbose)
            implements ClassFileTransformer {
        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain pd, byte[] classfile) {
            if (!filter.accepts(className, loader)) return null;
            Instrumenter.Result r = instrumenter.instrument(className, loader, classfile);
            if (r.changed() && verbose) System.err.println("gort-agent: transformed " + className.replace('/', '.'));
            return r.bytes();
        }
    }
}
