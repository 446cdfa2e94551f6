package dev.gort.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.util.concurrent.internal.InternalFutureFailureAccess;
import org.apache.commons.lang3.StringUtils;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent over every class of three widely used libraries (Guava, Jackson databind with core
 * and annotations, Apache Commons Lang), with the default options and with entries=true, the
 * class hierarchy read from a URLClassLoader over the jars, as the agent reads it from a
 * defining loader:
 * <ul>
 *   <li>no class fails, and ClassFile.verify finds nothing in any transformed class;</li>
 *   <li>every class with a back-edge is transformed, with a checkpoint right before each one
 *       (and one at each method entry with entries=true), as the agent's totals say;</li>
 *   <li>the JVM's own verifier accepts every transformed class: all the library's classes are
 *       defined in a loader of their own and linked without being initialised ({@link Linker}),
 *       and each links exactly as the original does in a second loader (a class whose field
 *       types need an optional dependency that is not there fails the same way in both).</li>
 * </ul>
 */
@Timeout(300)
class LibrariesTransformTest {

    /** A library: the jars whose classes are transformed (found from one class of each). */
    private record Library(String name, List<Class<?>> oneClassPerJar) {
        List<Path> jars() {
            return oneClassPerJar.stream().map(JarClasses::jarOf).distinct().toList();
        }
    }

    private static final List<Library> LIBRARIES = List.of(
            new Library("Guava", List.of(ImmutableList.class, InternalFutureFailureAccess.class)),
            new Library("Jackson", List.of(ObjectMapper.class, JsonFactory.class, JsonProperty.class)),
            new Library("Commons Lang", List.of(StringUtils.class)));

    @TestFactory
    List<DynamicTest> everyClassOfEachLibrary() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Library lib : LIBRARIES) {
            for (String options : List.of("", "entries=true")) {
                tests.add(DynamicTest.dynamicTest(lib.name() + " [" + (options.isEmpty() ? "defaults" : options) + "]",
                        () -> transformEveryClass(lib, options)));
            }
        }
        return tests;
    }

    private static void transformEveryClass(Library lib, String options) throws IOException {
        boolean entries = options.contains("entries=true");
        List<Path> jars = lib.jars();
        assertTrue(jars.stream().allMatch(p -> p.toString().endsWith(".jar")), "from jars: " + jars);
        try (URLClassLoader hierarchy = new URLClassLoader(urls(jars), ClassLoader.getPlatformClassLoader())) {
            AgentStats stats = new AgentStats();
            Instrumenter in = new Instrumenter(AgentOptions.parse(options), stats);
            ClassFile verifier = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(hierarchy)));
            Map<String, byte[]> original = new HashMap<>(), transformed = new HashMap<>(); // by jar!entry
            List<String> failures = new ArrayList<>(), problems = new ArrayList<>();
            long nanos = 0, oracleBackEdges = 0, checkpoints = 0;
            int classes = 0;
            for (Path jar : jars) {
                for (JarClasses.Entry e : JarClasses.all(jar)) {
                    String key = jar + "!" + e.entryName();
                    original.put(key, e.bytes());
                    classes++;
                    long t0 = System.nanoTime();
                    Instrumenter.Result r = in.instrument(ClassBytes.internalName(e.binaryName()), hierarchy, e.bytes());
                    nanos += System.nanoTime() - t0;
                    if (r.failure() != null) failures.add(e.entryName() + ": " + r.failure());
                    Map<String, Bytecode.MethodFacts> before = Bytecode.methods(e.bytes());
                    int backEdges = before.values().stream().mapToInt(Bytecode.MethodFacts::backEdges).sum();
                    if (!r.changed()) {
                        if (r.failure() == null && backEdges > 0) problems.add(e.entryName() + ": has loops but was not transformed");
                        if (r.failure() == null && entries && !before.isEmpty()) problems.add(e.entryName() + ": has code but was not transformed");
                        continue;
                    }
                    transformed.put(key, r.bytes());
                    oracleBackEdges += backEdges;
                    var errors = verifier.verify(r.bytes());
                    if (!errors.isEmpty()) problems.add(e.entryName() + ": ClassFile.verify: " + errors.getFirst().getMessage());
                    for (var m : Bytecode.methods(r.bytes()).entrySet()) {
                        Bytecode.MethodFacts a = m.getValue(), b = before.get(m.getKey());
                        checkpoints += a.checkpoints();
                        if (a.checkpoints() != b.backEdges() + (entries ? 1 : 0) || !a.everyBackEdgeRightAfterCheckpoint()) {
                            problems.add(e.entryName() + "." + m.getKey() + ": " + a.checkpoints() + " checkpoints for "
                                    + b.backEdges() + " back-edges");
                        }
                    }
                }
            }
            assertEquals(List.of(), failures, lib.name() + ": classes the agent could not transform");
            assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())), lib.name() + ": " + problems.size() + " problems");
            assertEquals(0, stats.classesFailed());
            assertEquals(transformed.size(), stats.classesTransformed());
            assertEquals(oracleBackEdges, stats.backEdges(), "the agent's back-edge count matches the bytecode");
            assertEquals(checkpoints, stats.backEdges() + stats.entries.get(), "checkpoints in the output match the agent's totals");
            assertTrue(transformed.size() > 50 && oracleBackEdges > 500, lib.name() + " has many classes with loops");

            long t0 = System.nanoTime();
            LinkCounts link = linkAll(lib, jars, original, transformed);
            System.out.printf("%s [%s]: %d classes, %d transformed, %d back-edge and %d entry checkpoints, transform+verify %d ms;"
                            + " JVM linked %d of %d defined classes (%d fail to link the same way as the original) in %d ms%n",
                    lib.name(), options.isEmpty() ? "defaults" : options, classes, stats.classesTransformed(), stats.backEdges(),
                    stats.entries.get(), nanos / 1_000_000, link.linked(), link.defined(), link.sameFailure(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private record LinkCounts(int defined, int linked, int sameFailure) {}

    /**
     * Defines every class of the library, as this JVM reads the jars (multi-release versions
     * chosen), once as originals and once with the transformed bytes, each set in a fresh loader
     * over the platform loader, and links each class in both. A transformed class must link
     * exactly as its original does.
     */
    private static LinkCounts linkAll(Library lib, List<Path> jars, Map<String, byte[]> original, Map<String, byte[]> transformed) {
        Map<String, byte[]> originals = new HashMap<>(), changed = new HashMap<>();
        for (Path jar : jars) {
            JarClasses.runtimeView(jar).forEach((binaryName, entry) -> {
                String key = jar + "!" + entry;
                originals.put(binaryName, original.get(key));
                changed.put(binaryName, transformed.getOrDefault(key, original.get(key)));
            });
        }
        ChildFirstLoader before = new ChildFirstLoader(lib.name() + "-original", originals, ClassLoader.getPlatformClassLoader());
        ChildFirstLoader after = new ChildFirstLoader(lib.name() + "-transformed", changed, ClassLoader.getPlatformClassLoader());
        int linked = 0, sameFailure = 0;
        Map<String, String> differences = new TreeMap<>();
        Map<String, String> failureKinds = new LinkedHashMap<>();
        for (String name : new TreeMap<>(originals).keySet()) {
            Throwable o = Linker.link(name, before), t = Linker.link(name, after);
            if (t instanceof VerifyError) differences.put(name, "VerifyError: " + t.getMessage());
            if (!Linker.describe(o).equals(Linker.describe(t))) {
                differences.put(name, "original: " + Linker.describe(o) + " / transformed: " + Linker.describe(t));
            } else if (t == null) {
                linked++;
            } else {
                sameFailure++;
                failureKinds.putIfAbsent(t.getClass().getSimpleName(), name + ": " + t.getMessage());
            }
        }
        assertEquals(Map.of(), differences, lib.name() + ": classes that link differently once transformed");
        if (!failureKinds.isEmpty()) System.out.println(lib.name() + ": fail to link in both loaders, e.g. " + failureKinds);
        assertTrue(linked > 0.9 * originals.size(), lib.name() + ": linked " + linked + " of " + originals.size());
        return new LinkCounts(originals.size(), linked, sameFailure);
    }

    private static URL[] urls(List<Path> jars) {
        return jars.stream().map(p -> {
            try {
                return p.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(URL[]::new);
    }
}
