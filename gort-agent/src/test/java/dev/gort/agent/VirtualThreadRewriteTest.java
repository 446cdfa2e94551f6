package dev.gort.agent;

import dev.gort.GortRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.invoke.LambdaMetafactory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The virtual-thread rewrite on {@code corpus.threads.VirtualThreads}: each case starts a thread
 * through one of the JDK's factories (a call or a method reference) and returns the goroutine id
 * the thread saw. Started from a platform thread, as compiled every id is 0 (JDK virtual
 * threads), and transformed every virtual thread is a goroutine of the default runtime. A
 * platform thread stays one, and a serializable method reference is deliberately not redirected
 * (its class's $deserializeLambda$ would no longer recognise it).
 *
 * <p>Started from inside a goroutine, a JDK virtual thread inherits its creator's scheduler, so
 * gort adopts it as a goroutine even as compiled: there the test only checks that the
 * transformed cases run and give goroutines.
 */
@Timeout(60)
class VirtualThreadRewriteTest {
    private static final Map<String, byte[]> ORIGINAL = ClassBytes.ofPackage("corpus.threads");
    private static final String CLASS = "corpus.threads.VirtualThreads";
    private static final Set<String> PLATFORM = Set.of("platformThread");
    private static final Set<String> NOT_REDIRECTED = Set.of("platformThread", "serializableMethodReference");

    private static GortRuntime rt;

    @BeforeAll
    static void startRuntime() {
        rt = GortRuntime.builder().name("vthreads").gomaxprocs(2).build();
    }

    @AfterAll
    static void stopRuntime() {
        rt.close();
    }

    private static Map<String, byte[]> transformed(AgentStats stats) {
        Instrumenter in = new Instrumenter(AgentOptions.DEFAULTS, stats);
        Map<String, byte[]> classes = new HashMap<>(ORIGINAL);
        ORIGINAL.forEach((name, bytes) -> {
            Instrumenter.Result r = in.instrument(ClassBytes.internalName(name), VirtualThreadRewriteTest.class.getClassLoader(), bytes);
            assertNull(r.failure(), name);
            if (r.changed()) classes.put(name, r.bytes());
        });
        return classes;
    }

    private static List<Method> cases(Map<String, byte[]> classes) throws ClassNotFoundException {
        Class<?> c = Class.forName(CLASS, true, new ChildFirstLoader("threads", classes, VirtualThreadRewriteTest.class.getClassLoader()));
        return Arrays.stream(c.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0)
                .sorted(Comparator.comparing(Method::getName))
                .toList();
    }

    /** References in code to the JDK's virtual-thread factories and to gort's stand-ins. */
    private record Refs(int jdkCalls, int jdkMethodRefs, int jdkSerializableRefs, int goroutinesCalls, int goroutinesMethodRefs) {}

    private static Refs scan(byte[] classBytes) {
        int[] n = new int[5];
        for (MethodModel m : ClassFile.of().parse(classBytes).methods()) {
            if (m.code().isEmpty()) continue;
            for (CodeElement e : m.code().get()) {
                if (e instanceof InvokeInstruction inv && inv.opcode() == Opcode.INVOKESTATIC) {
                    String owner = inv.owner().asInternalName(), name = inv.name().stringValue();
                    if (isFactory(owner, name)) n[0]++;
                    if (owner.equals("dev/gort/Goroutines")) n[3]++;
                } else if (e instanceof InvokeDynamicInstruction indy) {
                    List<ConstantDesc> args = indy.bootstrapArgs();
                    boolean serializable = indy.bootstrapMethod().methodName().equals("altMetafactory")
                            && (((Integer) args.get(3)) & LambdaMetafactory.FLAG_SERIALIZABLE) != 0;
                    for (ConstantDesc a : args) {
                        if (!(a instanceof DirectMethodHandleDesc mh)) continue;
                        String owner = mh.owner().descriptorString();
                        owner = owner.substring(1, owner.length() - 1);
                        if (isFactory(owner, mh.methodName())) n[serializable ? 2 : 1]++;
                        if (owner.equals("dev/gort/Goroutines")) n[4]++;
                    }
                }
            }
        }
        return new Refs(n[0], n[1], n[2], n[3], n[4]);
    }

    private static boolean isFactory(String owner, String name) {
        return (owner.equals("java/lang/Thread") && (name.equals("ofVirtual") || name.equals("startVirtualThread")))
                || (owner.equals("java/util/concurrent/Executors") && name.equals("newVirtualThreadPerTaskExecutor"));
    }

    @Test
    void everyFactoryCallAndMethodReferenceIsRedirectedExceptSerializableOnes() {
        Refs before = scan(ORIGINAL.get(CLASS));
        // ofVirtual x3, startVirtualThread, newVirtualThreadPerTaskExecutor; three method references;
        // the serializable one where it is made and again in $deserializeLambda$
        assertEquals(new Refs(5, 3, 2, 0, 0), before, "the corpus as compiled");
        AgentStats stats = new AgentStats();
        byte[] after = transformed(stats).get(CLASS);
        assertEquals(List.of(), ClassFile.of().verify(after));
        assertEquals(new Refs(0, 0, 2, 5, 3), scan(after), "calls and method references redirected, serializable ones kept");
        assertEquals(8, stats.threadCallSites());
    }

    @Test
    void asCompiledTheThreadsStartedFromAPlatformThreadAreNotGoroutines() throws Exception {
        List<Method> cases = cases(ORIGINAL);
        assertEquals(10, cases.size(), "cases");
        for (Method m : cases) {
            assertEquals(new Outcome(0L, null), Outcome.of(m), m.getName() + " on a platform thread");
        }
    }

    @Test
    void transformedTheVirtualThreadsAreGoroutines() throws Exception {
        for (Method m : cases(transformed(new AgentStats()))) {
            for (boolean inGoroutine : new boolean[]{false, true}) {
                String where = m.getName() + (inGoroutine ? " in a goroutine" : " on a platform thread");
                Outcome o = inGoroutine ? Outcome.inGoroutine(rt, m) : Outcome.of(m);
                assertNull(o.thrown(), where + ": " + o);
                long id = (Long) o.value();
                boolean goroutine = inGoroutine ? !PLATFORM.contains(m.getName()) : !NOT_REDIRECTED.contains(m.getName());
                if (goroutine) {
                    assertTrue(id > 0, where + ": the thread is a goroutine (id " + id + ")");
                } else {
                    assertEquals(0L, id, where + ": not a goroutine");
                }
            }
        }
    }
}
