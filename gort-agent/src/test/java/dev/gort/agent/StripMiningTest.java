package dev.gort.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.classfile.ClassFile;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which loops the agent strip-mines ({@link CountedLoops}, {@link Checkpoints}): the cases of
 * {@code corpus.StripLoops} name it after their last {@code _} (TransformCorpusTest runs them
 * and compares results), and a method too large for strip-mined loops and inline checks falls
 * back to 3-byte calls instead of being left without checkpoints.
 */
@Timeout(60)
class StripMiningTest {
    private static final String STRIP_LOOPS = "corpus.StripLoops";

    @Test
    void exactlyTheCountedLoopsOfTheRightShapeAreStripMined() {
        byte[] original = ClassBytes.ofPackage("corpus").get(STRIP_LOOPS);
        AgentStats stats = new AgentStats();
        Instrumenter.Result r = new Instrumenter(AgentOptions.DEFAULTS, stats)
                .instrument(ClassBytes.internalName(STRIP_LOOPS), getClass().getClassLoader(), original);
        assertTrue(r.changed(), "transformed: " + r.failure());
        Map<String, Bytecode.MethodFacts> after = Bytecode.methods(r.bytes());
        Map<String, Integer> expected = new TreeMap<>(), actual = new TreeMap<>();
        int total = 0;
        for (Method m : corpus.StripLoops.class.getDeclaredMethods()) {
            String name = m.getName();
            if (name.startsWith("lambda$")) continue;
            String key = after.keySet().stream().filter(k -> k.startsWith(name + "(")).findFirst().orElseThrow();
            int want = name.equals("ints") ? 1 : Integer.parseInt(name.substring(name.lastIndexOf('_') + 1));
            expected.put(name, want);
            actual.put(name, after.get(key).stripMined());
            total += want;
        }
        assertEquals(expected, actual, "strip-mined loops per method");
        assertEquals(total, stats.stripMined(), "the agent's count matches the oracle's");
        assertEquals(Bytecode.backEdges(original), stats.backEdges(), "one checkpoint per loop still");
    }

    /** 1,500 strip-minable loops in 60,000 bytes: strip-mined they would pass 64 KiB; as 3-byte calls they fit. */
    @Test
    void aMethodTooLargeForStripsGetsCompactCalls() throws Exception {
        int loops = 1_500;
        byte[] original = HandMade.manyCountedLoops("handmade.ManyCounted", loops, 60_000);
        AgentStats stats = new AgentStats();
        Instrumenter.Result r = new Instrumenter(AgentOptions.DEFAULTS, stats)
                .instrument("handmade/ManyCounted", getClass().getClassLoader(), original);
        assertTrue(r.changed(), "transformed: " + r.failure());
        assertEquals(List.of(), ClassFile.of().verify(r.bytes()));
        assertEquals(loops, stats.backEdges());
        assertEquals(0, stats.stripMined(), "compact: nothing strip-mined");
        assertEquals(loops, Bytecode.checkpoints(r.bytes()));
        assertFalse(ClassFile.of().parse(r.bytes()).methods().stream().flatMap(m -> m.code().orElseThrow().elementStream())
                .anyMatch(e -> e instanceof FieldInstruction f && f.owner().asInternalName().equals("dev/gort/Checkpoint")),
                "compact: calls of Gort.checkpoint, no inline test");
        Bytecode.methods(r.bytes()).forEach((m, f) -> assertTrue(f.everyBackEdgeRightAfterCheckpoint(), m));
        ChildFirstLoader loader = new ChildFirstLoader("many", Map.of("handmade.ManyCounted", r.bytes()), getClass().getClassLoader());
        assertNull(Linker.link("handmade.ManyCounted", loader), "passes the JVM's verifier");
        Method run = Class.forName("handmade.ManyCounted", true, loader).getMethod("run", int.class);
        assertEquals(loops * 5_000, run.invoke(null, 5_000));

        // a smaller one is strip-mined
        byte[] small = HandMade.manyCountedLoops("handmade.FewCounted", 100, 2_000);
        AgentStats few = new AgentStats();
        Instrumenter.Result rs = new Instrumenter(AgentOptions.DEFAULTS, few).instrument("handmade/FewCounted", getClass().getClassLoader(), small);
        assertTrue(rs.changed());
        assertEquals(100, few.stripMined());
        assertEquals(100, Bytecode.stripMined(rs.bytes()));
        ChildFirstLoader l2 = new ChildFirstLoader("few", Map.of("handmade.FewCounted", rs.bytes()), getClass().getClassLoader());
        Method run2 = Class.forName("handmade.FewCounted", true, l2).getMethod("run", int.class);
        assertEquals(100 * 10_000, run2.invoke(null, 10_000));
        assertEquals(0, run2.invoke(null, -3));
    }
}
