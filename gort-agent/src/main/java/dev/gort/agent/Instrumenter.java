package dev.gort.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Predicate;

/**
 * Transforms one class file: checkpoints at loop back-edges (and, as an option, at method
 * entries), virtual-thread call sites rewritten to make goroutines. Pure: bytes in, bytes out
 * (or null for "leave the class as it is"), so tests run it without an agent.
 *
 * <p>Stack maps are computed afresh by {@code java.lang.classfile}, which needs the class
 * hierarchy where two reference types meet; it is read from the class files of the defining
 * loader (resource parsing: no class is loaded or initialised while another is being defined).
 * With {@code verify=true} the result goes through {@link ClassFile#verify(byte[])} before it is
 * returned. Any failure (a method that would pass the 64 KiB limit, a type the hierarchy cannot
 * resolve, a verify error) leaves the class exactly as it was, with one line on stderr naming it.
 */
public final class Instrumenter {
    private final AgentOptions options;
    private final AgentStats stats;
    private final Map<ClassLoader, WeakReference<ClassHierarchyResolver>> resolvers = new WeakHashMap<>();
    private volatile ClassHierarchyResolver bootResolver;

    public Instrumenter(AgentOptions options, AgentStats stats) {
        this.options = options;
        this.stats = stats;
    }

    /** The outcome of one class. */
    public record Result(byte[] bytes, String failure) {
        /** Whether the class was changed. */
        public boolean changed() {
            return bytes != null;
        }
    }

    /**
     * Transforms classBytes, defined by loader (null: boot loader). Returns the new bytes, or a
     * result without bytes when nothing needed changing or the transformation failed (then with
     * the reason).
     */
    public Result instrument(String internalName, ClassLoader loader, byte[] classBytes) {
        stats.classesSeen.incrementAndGet();
        try {
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver(loader)));
            ClassModel cm = cf.parse(classBytes);
            Predicate<MethodModel> needs = m -> m.code().map(this::needsTransform).orElse(false);
            if (cm.methods().stream().noneMatch(needs)) return new Result(null, null);
            AgentStats.Counts counts = new AgentStats.Counts();
            CodeTransform code = CodeTransform.ofStateful(() -> new Checkpoints(options.entries(), counts));
            if (options.threads()) {
                code = code.andThen(CodeTransform.ofStateful(() -> new VirtualThreadCalls(counts)));
            }
            byte[] out = cf.transformClass(cm, ClassTransform.transformingMethodBodies(needs, code));
            if (!counts.any()) return new Result(null, null);
            if (options.verify()) {
                List<VerifyError> errors = cf.verify(out);
                if (!errors.isEmpty()) return failed(internalName, "verify error: " + errors.getFirst().getMessage());
            }
            stats.add(counts);
            return new Result(out, null);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return failed(internalName, t.getClass().getSimpleName() + ": " + t.getMessage());
        }
    }

    private boolean needsTransform(CodeModel code) {
        return options.entries() || Checkpoints.hasBackEdge(code)
                || (options.threads() && VirtualThreadCalls.hasCallSite(code));
    }

    private Result failed(String internalName, String why) {
        stats.classesFailed.incrementAndGet();
        String name = internalName == null ? "?" : internalName.replace('/', '.');
        System.err.println("gort-agent: warning: left " + name + " unchanged: " + why);
        return new Result(null, why);
    }

    /** Class hierarchy from the class files the defining loader sees, cached per loader. */
    private ClassHierarchyResolver resolver(ClassLoader loader) {
        if (loader == null) {
            ClassHierarchyResolver r = bootResolver;
            if (r == null) {
                bootResolver = r = ClassHierarchyResolver.ofResourceParsing(ClassLoader.getPlatformClassLoader()).cached();
            }
            return r;
        }
        synchronized (resolvers) {
            WeakReference<ClassHierarchyResolver> ref = resolvers.get(loader);
            ClassHierarchyResolver r = ref == null ? null : ref.get();
            if (r == null) {
                r = ClassHierarchyResolver.ofResourceParsing(loader).cached();
                resolvers.put(loader, new WeakReference<>(r));
            }
            return r;
        }
    }
}
