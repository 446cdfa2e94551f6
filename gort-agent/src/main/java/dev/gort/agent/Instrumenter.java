package dev.gort.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
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
 * returned. A class with a method that would pass the 64 KiB code limit is transformed again in
 * the compact form ({@link Checkpoints}: 3-byte calls, no strip-mined loops). Any failure after
 * that (the compact form too large, a type the hierarchy cannot resolve, a verify error) leaves
 * the class exactly as it was, with one line on stderr naming it.
 */
public final class Instrumenter {
    private final AgentOptions options;
    private final AgentStats stats;
    private final Map<ClassLoader, WeakReference<ClassHierarchyResolver>> resolvers = new WeakHashMap<>();
    private volatile ClassHierarchyResolver bootResolver;
    private volatile ClassHierarchyResolver appResolver;

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
            byte[] out;
            try {
                out = transform(cf, cm, needs, false, counts);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("Code length")) throw e;
                // a method passes 64 KiB with inline checks and strip-mined loops: try 3-byte calls
                counts = new AgentStats.Counts();
                out = transform(cf, cm, needs, true, counts);
            }
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

    /** The class with every method that needs it transformed, compact or not; counts what was done. */
    private byte[] transform(ClassFile cf, ClassModel cm, Predicate<MethodModel> needs, boolean compact, AgentStats.Counts counts) {
        return cf.transformClass(cm, ClassTransform.transformingMethods(needs, (mb, me) -> {
            if (me instanceof CodeModel code) {
                Map<Integer, CountedLoops.Loop> loops = compact ? Map.of() : CountedLoops.find(code);
                // java.lang.classfile runs a code transform again, on fresh instances, when a short
                // jump overflows (DirectCodeBuilder.build): count the run that was kept, the last
                AgentStats.Counts[] last = new AgentStats.Counts[1];
                mb.transformCode(code, CodeTransform.ofStateful(() -> codeTransform(compact, loops, last[0] = new AgentStats.Counts())));
                counts.backEdges += last[0].backEdges;
                counts.stripMined += last[0].stripMined;
                counts.entries += last[0].entries;
                counts.threadCallSites += last[0].threadCallSites;
            } else {
                mb.with(me);
            }
        }));
    }

    /** One method's transform, counting into counts. */
    private CodeTransform codeTransform(boolean compact, Map<Integer, CountedLoops.Loop> loops, AgentStats.Counts counts) {
        CodeTransform t = new Checkpoints(options.entries(), compact, loops, counts);
        return options.threads() ? t.andThen(new VirtualThreadCalls(counts)) : t;
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

    /**
     * A cache over resolver that several threads may use at once: the JVM calls the agent from
     * every thread that defines a class, in parallel. Not {@link ClassHierarchyResolver#cached()},
     * whose HashMap is not thread-safe (ConcurrentModificationException while two threads load
     * classes), nor a ConcurrentHashMap.computeIfAbsent, which would read a class file (and maybe
     * load a class) under the map's lock: a lookup that races another may parse the same class
     * file twice, and the first answer stays.
     */
    private static ClassHierarchyResolver concurrentlyCached(ClassHierarchyResolver resolver) {
        Map<ClassDesc, Optional<ClassHierarchyResolver.ClassHierarchyInfo>> cache = new ConcurrentHashMap<>();
        return desc -> {
            Optional<ClassHierarchyResolver.ClassHierarchyInfo> info = cache.get(desc);
            if (info == null) {
                info = Optional.ofNullable(resolver.getClassInfo(desc));
                Optional<ClassHierarchyResolver.ClassHierarchyInfo> raced = cache.putIfAbsent(desc, info);
                if (raced != null) info = raced;
            }
            return info.orElse(null);
        };
    }

    /** Class hierarchy from the class files the defining loader sees, cached per loader. */
    private ClassHierarchyResolver resolver(ClassLoader loader) {
        if (loader == null) {
            ClassHierarchyResolver r = bootResolver;
            if (r == null) {
                bootResolver = r = concurrentlyCached(ClassHierarchyResolver.ofResourceParsing(ClassLoader.getPlatformClassLoader()));
            }
            return r;
        }
        if (loader == ClassLoader.getSystemClassLoader()) {
            // The application loader lives as long as the JVM: keep its cache strongly (the weak
            // entries below go at every collection that finds them unused).
            ClassHierarchyResolver r = appResolver;
            if (r == null) appResolver = r = concurrentlyCached(ClassHierarchyResolver.ofResourceParsing(loader));
            return r;
        }
        synchronized (resolvers) {
            WeakReference<ClassHierarchyResolver> ref = resolvers.get(loader);
            ClassHierarchyResolver r = ref == null ? null : ref.get();
            if (r == null) {
                r = concurrentlyCached(ClassHierarchyResolver.ofResourceParsing(loader));
                resolvers.put(loader, new WeakReference<>(r));
            }
            return r;
        }
    }
}
