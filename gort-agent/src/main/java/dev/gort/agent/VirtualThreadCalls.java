package dev.gort.agent;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.LambdaMetafactory;
import java.util.List;

/**
 * Rewrites the call sites that make JDK virtual threads so that they make goroutines: a static
 * call of {@code Thread.ofVirtual()}, {@code Thread.startVirtualThread(Runnable)} or
 * {@code Executors.newVirtualThreadPerTaskExecutor()} becomes the same call on
 * {@code dev.gort.Goroutines}, which has the same signatures; a method reference to one of them
 * (a {@code LambdaMetafactory} call site whose implementation handle names it) is redirected the
 * same way. Builders obtained from a rewritten {@code ofVirtual()} make goroutines with all their
 * methods ({@code start}, {@code unstarted}, {@code factory()}), so
 * {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory())} is covered too. A
 * serializable method reference is not redirected (see {@link #serializable}).
 */
final class VirtualThreadCalls implements CodeTransform {
    static final ClassDesc GOROUTINES = ClassDesc.of("dev.gort.Goroutines");
    private static final String LMF = "java/lang/invoke/LambdaMetafactory";

    private final AgentStats.Counts counts;

    VirtualThreadCalls(AgentStats.Counts counts) {
        this.counts = counts;
    }

    @Override
    public void accept(CodeBuilder b, CodeElement e) {
        if (e instanceof InvokeInstruction inv && inv.opcode() == Opcode.INVOKESTATIC
                && covered(inv.owner().asInternalName(), inv.name().stringValue(), inv.type().stringValue())) {
            b.invokestatic(GOROUTINES, inv.name().stringValue(), inv.typeSymbol());
            counts.threadCallSites++;
        } else if (e instanceof InvokeDynamicInstruction indy && referencesCovered(indy)) {
            b.invokedynamic(redirect(indy));
            counts.threadCallSites++;
        } else {
            b.with(e);
        }
    }

    /** The JDK's virtual-thread factories that dev.gort.Goroutines stands in for. */
    static boolean covered(String owner, String name, String descriptor) {
        return switch (owner) {
            case "java/lang/Thread" -> (name.equals("ofVirtual") && descriptor.equals("()Ljava/lang/Thread$Builder$OfVirtual;"))
                    || (name.equals("startVirtualThread") && descriptor.equals("(Ljava/lang/Runnable;)Ljava/lang/Thread;"));
            case "java/util/concurrent/Executors" -> name.equals("newVirtualThreadPerTaskExecutor")
                    && descriptor.equals("()Ljava/util/concurrent/ExecutorService;");
            default -> false;
        };
    }

    private static boolean referencesCovered(InvokeDynamicInstruction indy) {
        if (!indy.bootstrapMethod().owner().descriptorString().equals("L" + LMF + ";")) return false;
        if (serializable(indy)) return false;
        for (ConstantDesc arg : indy.bootstrapArgs()) {
            if (arg instanceof DirectMethodHandleDesc mh && isCovered(mh)) return true;
        }
        return false;
    }

    /**
     * A serializable method reference ({@code altMetafactory} with FLAG_SERIALIZABLE) is left as
     * it is: the class's {@code $deserializeLambda$} recognises it by its implementation class's
     * name ("java/lang/Thread"), so a redirected one could be written out but not read back.
     */
    private static boolean serializable(InvokeDynamicInstruction indy) {
        List<ConstantDesc> args = indy.bootstrapArgs();
        return indy.bootstrapMethod().methodName().equals("altMetafactory") && args.size() > 3
                && args.get(3) instanceof Integer flags && (flags & LambdaMetafactory.FLAG_SERIALIZABLE) != 0;
    }

    private static boolean isCovered(DirectMethodHandleDesc mh) {
        return mh.kind() == DirectMethodHandleDesc.Kind.STATIC
                && covered(internalName(mh.owner()), mh.methodName(), mh.lookupDescriptor());
    }

    private static String internalName(ClassDesc c) {
        String d = c.descriptorString();
        return d.substring(1, d.length() - 1);
    }

    private static DynamicCallSiteDesc redirect(InvokeDynamicInstruction indy) {
        ConstantDesc[] args = indy.bootstrapArgs().toArray(new ConstantDesc[0]);
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof DirectMethodHandleDesc mh && isCovered(mh)) {
                args[i] = MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, GOROUTINES,
                        mh.methodName(), MethodTypeDesc.ofDescriptor(mh.lookupDescriptor()));
            }
        }
        return DynamicCallSiteDesc.of(indy.bootstrapMethod(), indy.name().stringValue(), indy.typeSymbol(), args);
    }

    /** Whether the method calls or references a covered factory (a cheap pre-scan). */
    static boolean hasCallSite(Iterable<CodeElement> code) {
        for (CodeElement e : code) {
            if (e instanceof InvokeInstruction inv && inv.opcode() == Opcode.INVOKESTATIC
                    && covered(inv.owner().asInternalName(), inv.name().stringValue(), inv.type().stringValue())) {
                return true;
            }
            if (e instanceof InvokeDynamicInstruction indy && referencesCovered(indy)) return true;
        }
        return false;
    }
}
