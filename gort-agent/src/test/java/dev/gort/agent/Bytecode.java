package dev.gort.agent;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test support: what a class file's methods contain, as the tests' own oracle. A back-edge is
 * found by bytecode offsets here (a jump or switch with a target at or before its own offset),
 * not by label order as the agent finds it, so the two are checked against each other.
 */
final class Bytecode {
    private Bytecode() {}

    /** The facts about one method's code. */
    record MethodFacts(int backEdges, int checkpoints, boolean startsWithCheckpoint,
                       boolean everyBackEdgeRightAfterCheckpoint, List<String> opcodesWithoutCheckpoints) {}

    /** Facts for every method with code, keyed by name and descriptor, in class-file order. */
    static Map<String, MethodFacts> methods(byte[] classBytes) {
        ClassModel cm = ClassFile.of().parse(classBytes);
        Map<String, MethodFacts> facts = new LinkedHashMap<>();
        for (MethodModel m : cm.methods()) {
            m.code().ifPresent(code -> facts.put(m.methodName().stringValue() + m.methodType().stringValue(),
                    facts((CodeAttribute) code)));
        }
        return facts;
    }

    /** Total back-edges of a class. */
    static int backEdges(byte[] classBytes) {
        return methods(classBytes).values().stream().mapToInt(MethodFacts::backEdges).sum();
    }

    /** Total checkpoint calls of a class. */
    static int checkpoints(byte[] classBytes) {
        return methods(classBytes).values().stream().mapToInt(MethodFacts::checkpoints).sum();
    }

    /** An instruction at its offset; labelled: a jump or an exception handler may land right on it. */
    private record At(Instruction ins, int bci, boolean labelled) {}

    private static MethodFacts facts(CodeAttribute code) {
        Set<Label> targets = jumpTargets(code);
        List<At> all = new ArrayList<>();
        int bci = 0;
        boolean labelled = false;
        for (CodeElement e : code) {
            if (e instanceof LabelTarget t) {
                if (code.labelToBci(t.label()) != bci) {
                    throw new IllegalStateException("offset bookkeeping is off: label at " + code.labelToBci(t.label()) + ", counted " + bci);
                }
                labelled |= targets.contains(t.label());
            } else if (e instanceof Instruction ins) {
                all.add(new At(ins, bci, labelled));
                labelled = false;
                bci += ins.sizeInBytes();
            }
        }
        if (bci != code.codeLength()) throw new IllegalStateException("counted " + bci + " bytes of code, not " + code.codeLength());
        int backEdges = 0, checkpoints = 0;
        boolean allChecked = true;
        List<String> opcodes = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            At at = all.get(k);
            if (isCheckpoint(at.ins())) {
                checkpoints++;
                continue;
            }
            opcodes.add(normalised(at.ins().opcode()));
            if (isBackEdge(code, at.ins(), at.bci())) {
                backEdges++;
                if (!checkedBackEdge(code, all, k)) allChecked = false;
            }
        }
        boolean startsWithCheckpoint = !all.isEmpty() && isCheckpoint(all.getFirst().ins());
        return new MethodFacts(backEdges, checkpoints, startsWithCheckpoint, allChecked, List.copyOf(opcodes));
    }

    /** The labels that a jump, a switch or an exception handler goes to (others only mark ranges: line numbers, locals). */
    private static Set<Label> jumpTargets(CodeAttribute code) {
        Set<Label> targets = new HashSet<>();
        for (CodeElement e : code) {
            switch (e) {
                case BranchInstruction br -> targets.add(br.target());
                case TableSwitchInstruction ts -> {
                    targets.add(ts.defaultTarget());
                    ts.cases().forEach(c -> targets.add(c.target()));
                }
                case LookupSwitchInstruction ls -> {
                    targets.add(ls.defaultTarget());
                    ls.cases().forEach(c -> targets.add(c.target()));
                }
                case ExceptionCatch ec -> targets.add(ec.handler());
                default -> { }
            }
        }
        return targets;
    }

    /**
     * Whether every path through the back-edge at index k passes a checkpoint right before it:
     * the checkpoint is the instruction before it, with no label between; or the back-edge is a
     * goto_w that java.lang.classfile made of a conditional jump too far for 16 bits
     * ({@code if_icmplt L} became {@code if_icmpge next; goto_w L; next:}), and the checkpoint is
     * right before that inverted jump.
     */
    private static boolean checkedBackEdge(CodeAttribute code, List<At> all, int k) {
        At edge = all.get(k);
        if (k >= 1 && !edge.labelled() && isCheckpoint(all.get(k - 1).ins())) return true;
        if (edge.ins().opcode() != Opcode.GOTO_W || edge.labelled() || k < 2 || k + 1 >= all.size()) return false;
        At cond = all.get(k - 1);
        return cond.ins() instanceof BranchInstruction br && br.opcode() != Opcode.GOTO && br.opcode() != Opcode.GOTO_W
                && code.labelToBci(br.target()) == all.get(k + 1).bci()
                && !cond.labelled() && isCheckpoint(all.get(k - 2).ins());
    }

    static boolean isCheckpoint(Instruction ins) {
        return ins instanceof InvokeInstruction inv && inv.opcode() == Opcode.INVOKESTATIC
                && inv.owner().asInternalName().equals("dev/gort/Gort")
                && inv.name().equalsString("checkpoint") && inv.type().equalsString("()V");
    }

    private static boolean isBackEdge(CodeAttribute code, Instruction ins, int bci) {
        return switch (ins) {
            case BranchInstruction br -> code.labelToBci(br.target()) <= bci;
            case TableSwitchInstruction ts -> anyAtOrBefore(code, bci, ts.defaultTarget(), ts.cases());
            case LookupSwitchInstruction ls -> anyAtOrBefore(code, bci, ls.defaultTarget(), ls.cases());
            default -> false;
        };
    }

    private static boolean anyAtOrBefore(CodeAttribute code, int bci, Label dflt, List<SwitchCase> cases) {
        if (code.labelToBci(dflt) <= bci) return true;
        for (SwitchCase c : cases) if (code.labelToBci(c.target()) <= bci) return true;
        return false;
    }

    /** Encodings a rewrite may legitimately change (a longer jump, a wider constant index) as one. */
    private static String normalised(Opcode op) {
        return switch (op) {
            case GOTO_W -> "GOTO";
            case JSR_W -> "JSR";
            case LDC_W -> "LDC";
            default -> op.name();
        };
    }
}
