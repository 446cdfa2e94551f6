package dev.gort.agent;

import dev.gort.GortRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.lang.classfile.ClassFile;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent's transformation over the corpus of awkward methods in package {@code corpus}
 * (javac-compiled test classes), with the default options and with entries=true:
 * <ul>
 *   <li>exactly the classes with a loop are changed (every class with entries=true), and each
 *       method gets one checkpoint right before each of its back-edges (found by offsets, see
 *       {@link Bytecode}), or, for a strip-mined loop, one between its strips, plus one at its
 *       entry with entries=true, and nothing else changes (strip-mined loops folded back);</li>
 *   <li>{@code ClassFile.verify} finds nothing, and the JVM's verifier accepts every class
 *       (each is linked in a loader of its own);</li>
 *   <li>every case (each public static no-argument method) gives exactly what the original
 *       gives, on a platform thread and as a goroutine of a runtime with a 1 ms time slice, so
 *       that goroutines are preempted at the inserted checkpoints inside these loops.</li>
 * </ul>
 */
@Timeout(120)
class TransformCorpusTest {
    private static final Map<String, byte[]> ORIGINAL = ClassBytes.ofPackage("corpus");
    private static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("defaults", "");
        OPTIONS.put("entries=true", "entries=true");
    }

    private static GortRuntime rt;
    private static final Map<String, Outcome> ORIGINAL_OUTCOMES = new HashMap<>();

    @BeforeAll
    static void startRuntime() {
        rt = GortRuntime.builder().name("corpus").gomaxprocs(2).forcePreempt(Duration.ofMillis(1))
                .runawayReport(Duration.ZERO).build();
    }

    @AfterAll
    static void stopRuntime() {
        System.out.println("TransformCorpusTest runtime after all cases: " + rt.schedtrace(false).strip());
        rt.close();
    }

    /** The corpus transformed with one option string: bytes of changed classes, by binary name. */
    private record Transformed(Map<String, Instrumenter.Result> results, AgentStats stats) {
        Map<String, byte[]> classes() {
            Map<String, byte[]> all = new HashMap<>(ORIGINAL);
            results.forEach((name, r) -> { if (r.changed()) all.put(name, r.bytes()); });
            return all;
        }
    }

    private static Transformed transform(String options) {
        AgentStats stats = new AgentStats();
        Instrumenter in = new Instrumenter(AgentOptions.parse(options), stats);
        Map<String, Instrumenter.Result> results = new LinkedHashMap<>();
        ORIGINAL.forEach((name, bytes) ->
                results.put(name, in.instrument(ClassBytes.internalName(name), TransformCorpusTest.class.getClassLoader(), bytes)));
        return new Transformed(results, stats);
    }

    @Test
    void theCorpusIsWhatTheTestsExpect() {
        // the classes javac makes for the corpus: a missing one would silently shrink the test
        for (String c : List.of("corpus.Loops", "corpus.TryLoops", "corpus.SyncLoops", "corpus.SwitchLoops",
                "corpus.Construction", "corpus.Construction$LoopBeforeSuper", "corpus.Construction$LoopInSuperArgument",
                "corpus.LambdaLoops", "corpus.LambdaLoops$1", "corpus.LambdaLoops$1Fib", "corpus.Shapes",
                "corpus.Planet", "corpus.Planet$1", "corpus.Range", "corpus.NoLoops", "corpus.StripLoops")) {
            assertTrue(ORIGINAL.containsKey(c), c + " is in the corpus");
        }
        assertEquals(0, Bytecode.backEdges(ORIGINAL.get("corpus.NoLoops")), "NoLoops has no loop");
        // the oracle sees unguarded back-edges in the original (so it can fail on a transformed class)
        assertTrue(Bytecode.methods(ORIGINAL.get("corpus.Loops")).values().stream()
                .noneMatch(f -> f.backEdges() > 0 && f.everyBackEdgeRightAfterCheckpoint()));
        assertTrue(cases().size() >= 50, "cases: " + cases().size());
    }

    @TestFactory
    List<DynamicNode> corpusTransformedWithEachOptionSet() {
        List<DynamicNode> nodes = new ArrayList<>();
        OPTIONS.forEach((label, options) -> {
            Transformed t = transform(options);
            boolean entries = options.contains("entries=true");
            List<DynamicNode> perOption = new ArrayList<>();
            perOption.add(DynamicTest.dynamicTest("totals", () -> checkTotals(t, entries)));
            ORIGINAL.keySet().forEach(name -> perOption.add(DynamicTest.dynamicTest(name + " bytecode",
                    () -> checkBytecode(name, t.results().get(name), entries))));
            perOption.add(DynamicTest.dynamicTest("every class passes the JVM's verifier", () -> checkJvmVerifies(t)));
            for (Method m : cases()) {
                perOption.add(DynamicTest.dynamicTest(caseName(m) + " same outcome", () -> checkSameOutcome(m, t)));
            }
            nodes.add(DynamicContainer.dynamicContainer(label, perOption));
        });
        return nodes;
    }

    private static void checkTotals(Transformed t, boolean entries) {
        long failed = t.results().values().stream().filter(r -> r.failure() != null).count();
        assertEquals(0, failed, "failures: " + t.results());
        assertEquals(0, t.stats().classesFailed());
        long changed = t.results().values().stream().filter(Instrumenter.Result::changed).count();
        assertEquals(changed, t.stats().classesTransformed());
        long backEdges = 0;
        for (var r : t.results().entrySet()) {
            if (r.getValue().changed()) backEdges += Bytecode.backEdges(ORIGINAL.get(r.getKey()));
        }
        assertTrue(backEdges > 100, "the corpus has loops: " + backEdges);
        assertEquals(backEdges, t.stats().backEdges(), "the agent's count of back-edge checkpoints matches the oracle's");
        long stripMined = 0;
        for (var r : t.results().values()) if (r.changed()) stripMined += Bytecode.stripMined(r.bytes());
        assertTrue(stripMined > 20, "the corpus has strip-minable loops: " + stripMined);
        assertEquals(stripMined, t.stats().stripMined(), "the agent's count of strip-mined loops matches the oracle's");
        assertEquals(0, t.stats().threadCallSites(), "the corpus makes no virtual threads");
        System.out.println("corpus " + (entries ? "entries=true" : "defaults") + ": " + t.stats());
    }

    private static void checkBytecode(String name, Instrumenter.Result r, boolean entries) {
        byte[] original = ORIGINAL.get(name);
        Map<String, Bytecode.MethodFacts> before = Bytecode.methods(original);
        boolean hasLoop = before.values().stream().anyMatch(f -> f.backEdges() > 0);
        assertNull(r.failure(), name + " failed: " + r.failure());
        assertEquals(hasLoop || (entries && !before.isEmpty()), r.changed(), name + " changed");
        if (!r.changed()) return;
        assertEquals(List.of(), ClassFile.of().verify(r.bytes()), name + ": ClassFile.verify");
        Map<String, Bytecode.MethodFacts> after = Bytecode.methods(r.bytes());
        assertEquals(before.keySet(), after.keySet(), name + ": the same methods with code");
        before.forEach((method, b) -> {
            Bytecode.MethodFacts a = after.get(method);
            String where = name + "." + method;
            assertEquals(0, b.checkpoints(), where + " had no checkpoint before");
            assertEquals(b.backEdges(), a.backEdges(), where + ": back-edges kept");
            assertEquals(b.backEdges() + (entries ? 1 : 0), a.checkpoints(), where + ": checkpoints");
            assertTrue(a.everyBackEdgeRightAfterCheckpoint(), where + ": each back-edge right after a checkpoint");
            assertEquals(entries, a.startsWithCheckpoint(), where + ": entry checkpoint");
            assertEquals(b.opcodesWithoutCheckpoints(), a.opcodesWithoutCheckpoints(), where + ": nothing else changed");
        });
    }

    /** Links every class of the corpus, original and transformed, each in a fresh loader. */
    private static void checkJvmVerifies(Transformed t) {
        ChildFirstLoader original = new ChildFirstLoader("original", ORIGINAL, TransformCorpusTest.class.getClassLoader());
        ChildFirstLoader transformed = new ChildFirstLoader("transformed", t.classes(), TransformCorpusTest.class.getClassLoader());
        for (String name : ORIGINAL.keySet()) {
            assertNull(Linker.link(name, original), name + " (original) links");
            Throwable e = Linker.link(name, transformed);
            if (e != null) fail(name + " (transformed) does not link: " + e, e);
        }
    }

    private static void checkSameOutcome(Method m, Transformed t) throws Exception {
        String key = caseName(m);
        Outcome expected;
        synchronized (ORIGINAL_OUTCOMES) {
            expected = ORIGINAL_OUTCOMES.get(key);
            if (expected == null) {
                expected = Outcome.of(load(m, ORIGINAL));
                assertEquals(expected, Outcome.inGoroutine(rt, load(m, ORIGINAL)), key + ": the original is deterministic");
                ORIGINAL_OUTCOMES.put(key, expected);
            }
        }
        assertEquals(expected, Outcome.of(load(m, t.classes())), key + " on a platform thread");
        assertEquals(expected, Outcome.inGoroutine(rt, load(m, t.classes())), key + " in a goroutine");
    }

    /** The same method in a fresh loader over classes (so static initialisers run again). */
    private static Method load(Method m, Map<String, byte[]> classes) throws ReflectiveOperationException {
        ChildFirstLoader loader = new ChildFirstLoader(caseName(m), classes, TransformCorpusTest.class.getClassLoader());
        Method copy = Class.forName(m.getDeclaringClass().getName(), false, loader).getDeclaredMethod(m.getName());
        copy.setAccessible(true);
        return copy;
    }

    /** Every public static method without parameters of the corpus classes. */
    private static List<Method> cases() {
        List<Method> cases = new ArrayList<>();
        for (String name : ORIGINAL.keySet()) {
            Class<?> c;
            try {
                c = Class.forName(name, false, TransformCorpusTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            Arrays.stream(c.getDeclaredMethods())
                    .filter(m -> Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())
                            && m.getParameterCount() == 0 && !m.isSynthetic() && m.getReturnType() != void.class)
                    .filter(m -> !(c.isEnum() && m.getName().equals("values")))
                    .sorted(Comparator.comparing(Method::getName))
                    .forEach(cases::add);
        }
        return cases;
    }

    private static String caseName(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName();
    }
}
