package dev.gort.agent;

import org.junit.jupiter.api.Test;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.Map;

import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The tests' way of making the JVM verify a class ({@link Linker}, {@link ChildFirstLoader}) catches a
 * bad one: the JVM's verifier is on for such loaders, and linking runs it without initialising.
 */
class LinkerTest {

    /** A method returning null as an int, in a class whose static initialiser throws: VerifyError, and no initialisation. */
    @Test
    void linkingVerifiesWithoutInitialising() throws Exception {
        ClassDesc ise = ClassDesc.of("java.lang.IllegalStateException");
        byte[] bad = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS).build(ClassDesc.of("handmade.Bad"), cb -> cb
                .withMethodBody("<clinit>", MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, c -> c
                        .new_(ise).dup().ldc("initialised")
                        .invokespecial(ise, "<init>", MethodTypeDesc.of(CD_void, CD_String)).athrow())
                .withMethodBody("bad", MethodTypeDesc.of(CD_int), ClassFile.ACC_STATIC | ClassFile.ACC_PUBLIC, c -> c
                        .aconst_null().ireturn()));
        assertFalse(ClassFile.of().verify(bad).isEmpty(), "ClassFile.verify sees it too");
        ChildFirstLoader loader = new ChildFirstLoader("bad", Map.of("handmade.Bad", bad), LinkerTest.class.getClassLoader());
        Throwable e = Linker.link("handmade.Bad", loader);
        assertInstanceOf(VerifyError.class, e, String.valueOf(e));

        byte[] good = ClassFile.of().build(ClassDesc.of("handmade.Good"), cb -> cb
                .withMethodBody("<clinit>", MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, c -> c
                        .new_(ise).dup().ldc("initialised")
                        .invokespecial(ise, "<init>", MethodTypeDesc.of(CD_void, CD_String)).athrow()));
        ChildFirstLoader goodLoader = new ChildFirstLoader("good", Map.of("handmade.Good", good), LinkerTest.class.getClassLoader());
        assertNull(Linker.link("handmade.Good", goodLoader), "linked, and its initialiser did not run");
        assertThrows(ExceptionInInitializerError.class, () -> Class.forName("handmade.Good", true, goodLoader),
                "the initialiser runs (and throws) only when asked to");
    }
}
