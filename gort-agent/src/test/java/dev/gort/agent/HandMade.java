package dev.gort.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;
import java.util.function.Consumer;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * Test support: classes written directly with {@code java.lang.classfile}, for shapes javac
 * does not make (a switch that jumps backwards, a value carried on the operand stack round a
 * loop, a loop head at offset 0, jsr/ret) and for sizes no one writes by hand (methods at the
 * 64 KiB limit, branches stretched past a 16-bit offset). Each class has public static methods
 * whose results the tests know.
 */
final class HandMade {
    private HandMade() {}

    static final int LOOP_BYTES = 13; // iconst_0 istore; iinc iinc iload iconst_3 if_icmplt
    static final int LOOP_TRIPS = 3;

    /** One class with one public static method built by body, at the given class-file version. */
    static byte[] classWith(String binaryName, int major, String method, MethodTypeDesc type, Consumer<CodeBuilder> body) {
        return ClassFile.of().build(ClassDesc.of(binaryName), cb -> cb
                .withVersion(major, 0)
                .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
                .withMethodBody(method, type, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, body));
    }

    /** Appends a loop that adds LOOP_TRIPS to the int in local acc, counting in local i: LOOP_BYTES bytes, one back-edge. */
    static void smallLoop(CodeBuilder c, int acc, int i) {
        Label head = c.newLabel();
        c.iconst_0().istore(i);
        c.labelBinding(head);
        c.iinc(acc, 1).iinc(i, 1).iload(i).iconst_3().if_icmplt(head);
    }

    /**
     * {@code static int run()}: loops small loops one after another, then nops up to exactly
     * codeLength bytes of code; returns 3 * loops. Each checkpoint adds 3 bytes.
     */
    static byte[] manyLoops(String binaryName, int loops, int codeLength) {
        int fixed = 2 + LOOP_BYTES * loops + 2;
        if (codeLength < fixed || codeLength > 65_535) throw new IllegalArgumentException("code length " + codeLength);
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_int), c -> {
            c.iconst_0().istore(0);
            for (int k = 0; k < loops; k++) smallLoop(c, 0, 1);
            for (int k = fixed; k < codeLength; k++) c.nop();
            c.iload(0).ireturn();
        });
    }

    static final int COUNTED_LOOP_BYTES = 16; // iconst_0 istore_1; iload_1 iload_0 if_icmpge; iinc iinc goto

    /**
     * {@code static int run(int n)}: loops javac-shaped counted loops ({@code for (i = 0; i < n;
     * i++) acc++}, which the agent strip-mines) one after another, then nops up to exactly
     * codeLength bytes; returns n * loops (0 for n below 0).
     */
    static byte[] manyCountedLoops(String binaryName, int loops, int codeLength) {
        int fixed = 2 + COUNTED_LOOP_BYTES * loops + 2;
        if (codeLength < fixed || codeLength > 65_535) throw new IllegalArgumentException("code length " + codeLength);
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_int, CD_int), c -> {
            c.iconst_0().istore(2);
            for (int k = 0; k < loops; k++) {
                Label head = c.newLabel(), exit = c.newLabel();
                c.iconst_0().istore(1);
                c.labelBinding(head).iload(1).iload(0).if_icmpge(exit);
                c.iinc(2, 1).iinc(1, 1).goto_(head);
                c.labelBinding(exit);
            }
            for (int k = fixed; k < codeLength; k++) c.nop();
            c.iload(2).ireturn();
        });
    }

    /**
     * {@code static int run(int flag)}: 0 if flag is 0, else twice round an outer loop around
     * innerLoops small loops (6 * innerLoops). The forward jump over the outer loop and the
     * outer loop's back-edge both span about 13 * innerLoops bytes.
     */
    static byte[] longJumps(String binaryName, int innerLoops) {
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_int, CD_int), c -> {
            Label skip = c.newLabel(), outer = c.newLabel();
            c.iconst_0().istore(1).iconst_0().istore(3);
            c.iload(0).ifeq(skip);
            c.labelBinding(outer);
            for (int k = 0; k < innerLoops; k++) smallLoop(c, 1, 2);
            c.iinc(3, 1).iload(3).iconst_2().if_icmplt(outer);
            c.labelBinding(skip);
            c.iload(1).ireturn();
        });
    }

    /**
     * {@code static int run()}: for i in 1..999, a tableswitch on i % 3 whose case 1 and default
     * jump back to the loop head; case 0 adds 1, case 2 adds 10 (3663).
     */
    static byte[] backwardTableSwitch(String binaryName) {
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_int), c -> {
            Label head = c.newLabel(), one = c.newLabel(), ten = c.newLabel(), exit = c.newLabel();
            c.iconst_0().istore(0).iconst_0().istore(1);
            c.labelBinding(head);
            c.iinc(0, 1).iload(0).sipush(1000).if_icmpge(exit);
            c.iload(0).iconst_3().irem();
            c.tableswitch(0, 2, head, List.of(SwitchCase.of(0, one), SwitchCase.of(1, head), SwitchCase.of(2, ten)));
            c.labelBinding(one);
            c.iinc(1, 1).goto_(head);
            c.labelBinding(ten);
            c.iinc(1, 10).goto_(head);
            c.labelBinding(exit);
            c.iload(1).ireturn();
        });
    }

    /**
     * {@code static int run()}: for i in 1..999, a lookupswitch on i % 7 with sparse keys whose
     * key 3 and default jump back to the loop head; key 0 adds 1, key 5 adds 100 (14_442).
     */
    static byte[] backwardLookupSwitch(String binaryName) {
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_int), c -> {
            Label head = c.newLabel(), one = c.newLabel(), hundred = c.newLabel(), exit = c.newLabel();
            c.iconst_0().istore(0).iconst_0().istore(1);
            c.labelBinding(head);
            c.iinc(0, 1).iload(0).sipush(1000).if_icmpge(exit);
            c.iload(0).bipush(7).irem();
            c.lookupswitch(head, List.of(SwitchCase.of(0, one), SwitchCase.of(3, head), SwitchCase.of(5, hundred)));
            c.labelBinding(one);
            c.iinc(1, 1).goto_(head);
            c.labelBinding(hundred);
            c.iinc(1, 100).goto_(head);
            c.labelBinding(exit);
            c.iload(1).ireturn();
        });
    }

    /** {@code static int run()}: the running sum lives on the operand stack, never in a local (1000). */
    static byte[] intOnStackRoundLoop(String binaryName) {
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_int), c -> {
            Label head = c.newLabel();
            c.iconst_0();
            c.labelBinding(head);
            c.iconst_1().iadd().dup().sipush(1000).if_icmplt(head);
            c.ireturn();
        });
    }

    /** {@code static long run()}: a long (two stack slots) carried on the stack round the loop (1000). */
    static byte[] longOnStackRoundLoop(String binaryName) {
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_long), c -> {
            Label head = c.newLabel();
            c.lconst_0();
            c.labelBinding(head);
            c.lconst_1().ladd().dup2().ldc(1000L).lcmp().iflt(head);
            c.lreturn();
        });
    }

    /** {@code static int run(int n)}: the loop head is at offset 0 (the entry); counts n down to 0. */
    static byte[] loopHeadAtEntry(String binaryName) {
        return classWith(binaryName, ClassFile.latestMajorVersion(), "run", MethodTypeDesc.of(CD_int, CD_int), c -> {
            Label head = c.newLabel();
            c.labelBinding(head);
            c.iinc(0, -1).iload(0).ifgt(head);
            c.iload(0).ireturn();
        });
    }

    /** {@code static int run()}: a small loop (3) in a class file of the given version. */
    static byte[] smallLoopAtVersion(String binaryName, int major) {
        return classWith(binaryName, major, "run", MethodTypeDesc.of(CD_int), c -> {
            c.iconst_0().istore(0);
            smallLoop(c, 0, 1);
            c.iload(0).ireturn();
        });
    }

    /**
     * {@code static int run()}, class-file version 49 (Java 5, no stack maps): a loop of ten
     * trips calling a jsr subroutine each time; returns trips + calls (20).
     */
    static byte[] jsrInOldClassFile(String binaryName) {
        return classWith(binaryName, 49, "run", MethodTypeDesc.of(CD_int), c -> {
            Label head = c.newLabel(), sub = c.newLabel();
            c.iconst_0().istore(0).iconst_0().istore(2);
            c.labelBinding(head);
            c.iinc(0, 1);
            c.with(DiscontinuedInstruction.JsrInstruction.of(sub));
            c.iload(0).bipush(10).if_icmplt(head);
            c.iload(0).iload(2).iadd().ireturn();
            c.labelBinding(sub);
            c.astore(1).iinc(2, 1);
            c.with(DiscontinuedInstruction.RetInstruction.of(1));
        });
    }
}
