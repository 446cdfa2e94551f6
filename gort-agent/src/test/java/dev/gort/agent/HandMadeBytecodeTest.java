package dev.gort.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.classfile.ClassFile;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent on classes written directly with java.lang.classfile ({@link HandMade}): shapes
 * javac does not make, methods at the 64 KiB code limit, jumps stretched past a 16-bit offset,
 * and old class files. Each transformed class must pass ClassFile.verify and the JVM's
 * verifier and give the original's results; a class that cannot be transformed must be left
 * exactly as it was, with one warning line naming it.
 */
@Timeout(60)
class HandMadeBytecodeTest {

    /** What one instrument call gave, with what it printed on stderr. */
    private record Run(Instrumenter.Result result, AgentStats stats, String stderr) {}

    private static Run instrument(String options, String binaryName, byte[] bytes) {
        AgentStats stats = new AgentStats();
        Instrumenter in = new Instrumenter(AgentOptions.parse(options), stats);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        Instrumenter.Result r;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            r = in.instrument(ClassBytes.internalName(binaryName), HandMadeBytecodeTest.class.getClassLoader(), bytes);
        } finally {
            System.setErr(saved);
        }
        return new Run(r, stats, err.toString(StandardCharsets.UTF_8));
    }

    /** Calls the class's static run method with args, the class defined in a fresh loader (JVM-verified). */
    private static Object call(String binaryName, byte[] bytes, Object... args) throws Exception {
        ChildFirstLoader loader = new ChildFirstLoader(binaryName, Map.of(binaryName, bytes), HandMadeBytecodeTest.class.getClassLoader());
        Class<?> c = Class.forName(binaryName, false, loader);
        Throwable link = Linker.link(binaryName, loader);
        if (link != null) fail(binaryName + " does not pass the JVM's verifier: " + link, link);
        for (Method m : c.getMethods()) {
            if (m.getName().equals("run")) return m.invoke(null, args);
        }
        throw new AssertionError("no run method in " + binaryName);
    }

    /**
     * Transforms with both option sets; asserts a clean transformation with the expected
     * checkpoints and the same results. Returns the class transformed with the default options.
     */
    private static byte[] assertTransformedAndEquivalent(String name, byte[] original, int backEdges, Object expected, Object... args)
            throws Exception {
        assertEquals(backEdges, Bytecode.backEdges(original), name + ": back-edges as built");
        assertEquals(expected, call(name, original, args), name + ": the original's result");
        byte[] withDefaults = null;
        for (String options : List.of("", "entries=true")) {
            Run run = instrument(options, name, original);
            String what = name + " [" + options + "]";
            assertTrue(run.result().changed(), what + " changed; failure: " + run.result().failure());
            assertEquals("", run.stderr(), what + ": nothing printed");
            assertEquals(List.of(), ClassFile.of().verify(run.result().bytes()), what + ": ClassFile.verify");
            int entries = options.isEmpty() ? 0 : 1;
            assertEquals(backEdges + entries, Bytecode.checkpoints(run.result().bytes()), what + ": checkpoints");
            assertEquals(backEdges, run.stats().backEdges(), what + ": counted back-edges");
            Bytecode.methods(run.result().bytes()).forEach((m, f) ->
                    assertTrue(f.everyBackEdgeRightAfterCheckpoint(), what + "." + m + ": each back-edge right after a checkpoint"));
            assertEquals(expected, call(name, run.result().bytes(), args), what + ": the same result");
            if (options.isEmpty()) withDefaults = run.result().bytes();
        }
        return withDefaults;
    }

    /** Asserts the class was left exactly as it was, counted as a failure, with one warning naming it. */
    private static void assertLeftUnchangedWithWarning(Run run, String name, String reason) {
        assertFalse(run.result().changed(), name + " must be left unchanged");
        assertNull(run.result().bytes());
        assertNotNull(run.result().failure(), name + ": the failure is reported");
        assertTrue(run.result().failure().contains(reason), name + ": failure \"" + run.result().failure() + "\" mentions " + reason);
        assertEquals(1, run.stats().classesFailed());
        assertEquals(0, run.stats().classesTransformed());
        assertEquals(0, run.stats().backEdges(), "nothing counted for a class left as it was");
        List<String> lines = run.stderr().lines().toList();
        assertEquals(1, lines.size(), "one warning line: " + run.stderr());
        assertTrue(lines.getFirst().startsWith("gort-agent: warning: left " + name + " unchanged: "), lines.getFirst());
    }

    @Test
    void methodThatFitsTheCodeLimitOnlyWithoutCheckpointsIsLeftUnchangedWithAWarning() throws Exception {
        int loops = 4_000;
        byte[] original = HandMade.manyLoops("handmade.AtTheLimit", loops, 65_535);
        assertEquals(3 * loops, call("handmade.AtTheLimit", original), "the original is valid and runs");
        for (String options : List.of("", "entries=true")) {
            assertLeftUnchangedWithWarning(instrument(options, "handmade.AtTheLimit", original), "handmade.AtTheLimit",
                    "Code length " + (65_535 + 3 * loops + (options.isEmpty() ? 0 : 3)) + " is outside the allowed range");
        }
    }

    /** The limit to the byte: 65,535 bytes after the checkpoints is transformed, 65,536 is not. */
    @Test
    void theCodeLimitIsMetToTheByte() throws Exception {
        int loops = 4_000;
        byte[] fitsExactly = HandMade.manyLoops("handmade.FitsExactly", loops, 65_535 - 3 * loops);
        Run fits = instrument("", "handmade.FitsExactly", fitsExactly);
        assertTrue(fits.result().changed(), "65,535 bytes after the checkpoints fits: " + fits.result().failure());
        assertEquals(65_535, codeLength(fits.result().bytes()));
        assertEquals(3 * loops, call("handmade.FitsExactly", fits.result().bytes()));

        byte[] oneTooMany = HandMade.manyLoops("handmade.OneByteOver", loops, 65_535 - 3 * loops + 1);
        assertLeftUnchangedWithWarning(instrument("", "handmade.OneByteOver", oneTooMany), "handmade.OneByteOver", "Code length 65536 is outside the allowed range");
    }

    @Test
    void methodComfortablyUnderTheLimitIsTransformed() throws Exception {
        int loops = 1_000;
        assertTransformedAndEquivalent("handmade.UnderTheLimit", HandMade.manyLoops("handmade.UnderTheLimit", loops, 20_000),
                loops, 3 * loops);
    }

    /** The checkpoints push a forward jump and a back-edge past 32,767 bytes: both need a long jump afterwards. */
    @Test
    void jumpsStretchedPastASixteenBitOffset() throws Exception {
        int inner = 2_400;
        byte[] original = HandMade.longJumps("handmade.LongJumps", inner);
        assertTrue(codeLength(original) < 32_767 && codeLength(original) + 3 * (inner + 1) > 32_767, "straddles the short offset");
        byte[] transformed = assertTransformedAndEquivalent("handmade.LongJumps", original, inner + 1, 6 * inner, 1);
        assertTransformedAndEquivalent("handmade.LongJumps", original, inner + 1, 0, 0);
        assertTrue(ClassFile.of().parse(transformed).methods().getFirst().code().orElseThrow().elementStream()
                .anyMatch(e -> e instanceof java.lang.classfile.Instruction i && i.opcode() == java.lang.classfile.Opcode.GOTO_W),
                "java.lang.classfile made long jumps");
    }

    @Test
    void tableswitchThatJumpsBackwards() throws Exception {
        // the switch (case 1 and default go back) and the two gotos of cases 0 and 2
        assertTransformedAndEquivalent("handmade.BackwardTableSwitch", HandMade.backwardTableSwitch("handmade.BackwardTableSwitch"), 3, 3663);
    }

    @Test
    void lookupswitchThatJumpsBackwards() throws Exception {
        assertTransformedAndEquivalent("handmade.BackwardLookupSwitch", HandMade.backwardLookupSwitch("handmade.BackwardLookupSwitch"), 3, 14_442);
    }

    @Test
    void valuesCarriedOnTheOperandStackRoundALoop() throws Exception {
        assertTransformedAndEquivalent("handmade.IntOnStack", HandMade.intOnStackRoundLoop("handmade.IntOnStack"), 1, 1000);
        assertTransformedAndEquivalent("handmade.LongOnStack", HandMade.longOnStackRoundLoop("handmade.LongOnStack"), 1, 1000L);
    }

    @Test
    void loopHeadAtOffsetZero() throws Exception {
        assertTransformedAndEquivalent("handmade.HeadAtEntry", HandMade.loopHeadAtEntry("handmade.HeadAtEntry"), 1, 0, 1000);
    }

    /** Java 6 (the first with stack maps), Java 8 (most libraries) and the newest version. */
    @Test
    void classFileVersionsWithStackMaps() throws Exception {
        for (int major : new int[]{50, 52, ClassFile.latestMajorVersion()}) {
            String name = "handmade.Version" + major;
            assertTransformedAndEquivalent(name, HandMade.smallLoopAtVersion(name, major), 1, 3);
        }
    }

    /**
     * Before version 50 a class has no stack maps, and ClassFile.verify cannot check it ("Inference
     * verification is not supported"), so the agent keeps the original: such a class runs, but
     * without checkpoints. A limitation for libraries compiled for Java 5 or older, asserted here so
     * that a change to it is seen.
     */
    @Test
    void classFilesOlderThanJava6AreLeftUnchangedWithAWarning() throws Exception {
        for (var c : Map.of("handmade.Version49", HandMade.smallLoopAtVersion("handmade.Version49", 49),
                "handmade.Jsr49", HandMade.jsrInOldClassFile("handmade.Jsr49")).entrySet()) {
            assertEquals(1, Bytecode.backEdges(c.getValue()));
            Object expected = call(c.getKey(), c.getValue());
            assertLeftUnchangedWithWarning(instrument("", c.getKey(), c.getValue()), c.getKey(), "Inference verification is not supported");
            assertEquals(c.getKey().endsWith("Jsr49") ? 20 : 3, expected);
        }
    }

    private static int codeLength(byte[] classBytes) {
        return ClassFile.of().parse(classBytes).methods().stream()
                .filter(m -> m.methodName().equalsString("run"))
                .mapToInt(m -> m.code().map(c -> ((java.lang.classfile.attribute.CodeAttribute) c).codeLength()).orElseThrow())
                .findFirst().orElseThrow();
    }
}
