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
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test support: what a class file's methods contain, as the tests' own oracle. A back-edge is
 * found by bytecode offsets here (a jump or switch with a target at or before its own offset),
 * not by label order as the agent finds it, so the two are checked against each other.
 *
 * <p>A checkpoint is either the agent's inline test ({@code getstatic dev/gort/Checkpoint.pending;
 * ifeq NEXT; invokestatic dev/gort/Checkpoint.slowPath()V; NEXT:}) or the compact call
 * {@code invokestatic dev/gort/Gort.checkpoint()V}. A strip-mined loop is recognised here by its
 * shape (see {@link #stripMined}) and folded back to the loop it came from, so that "nothing else
 * changed" compares the transformed method with the original instruction by instruction.
 */
final class Bytecode {
    private Bytecode() {}

    /**
     * The facts about one method's code. backEdges counts a strip-mined loop once (its inner
     * goto; the jump back to the strip's head is part of the strip), stripMined how many there
     * are, opcodesWithoutCheckpoints the opcodes with checkpoints removed and strip-mined loops
     * folded back.
     */
    record MethodFacts(int backEdges, int checkpoints, int stripMined, boolean startsWithCheckpoint,
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

    /** Total checkpoints of a class. */
    static int checkpoints(byte[] classBytes) {
        return methods(classBytes).values().stream().mapToInt(MethodFacts::checkpoints).sum();
    }

    /** Total strip-mined loops of a class. */
    static int stripMined(byte[] classBytes) {
        return methods(classBytes).values().stream().mapToInt(MethodFacts::stripMined).sum();
    }

    /** An instruction at its offset; labelled: a jump or an exception handler may land right on it. */
    private record At(Instruction ins, int bci, boolean labelled) {}

    private static MethodFacts facts(CodeAttribute code) {
        Map<Label, Integer> targets = jumpTargets(code);
        // first the raw instructions, to find the inline checks' own jumps
        List<Instruction> raw = new ArrayList<>();
        for (CodeElement e : code) if (e instanceof Instruction ins) raw.add(ins);
        for (int k = 0; k + 2 < raw.size(); k++) {
            if (inlineCheckAt(raw, k)) targets.merge(((BranchInstruction) raw.get(k + 1)).target(), -1, Integer::sum);
        }
        List<At> all = new ArrayList<>();
        int bci = 0;
        boolean labelled = false;
        for (CodeElement e : code) {
            if (e instanceof LabelTarget t) {
                if (code.labelToBci(t.label()) != bci) {
                    throw new IllegalStateException("offset bookkeeping is off: label at " + code.labelToBci(t.label()) + ", counted " + bci);
                }
                labelled |= targets.getOrDefault(t.label(), 0) > 0;
            } else if (e instanceof Instruction ins) {
                all.add(new At(ins, bci, labelled));
                labelled = false;
                bci += ins.sizeInBytes();
            }
        }
        if (bci != code.codeLength()) throw new IllegalStateException("counted " + bci + " bytes of code, not " + code.codeLength());
        // checkpoint[k]: instruction k is part of a checkpoint; checkEnds[k]: the last one
        boolean[] checkpoint = new boolean[all.size()], checkEnds = new boolean[all.size()];
        int checkpoints = 0;
        for (int k = 0; k < all.size(); k++) {
            if (isCompactCheckpoint(all.get(k).ins())) {
                checkpoint[k] = checkEnds[k] = true;
                checkpoints++;
            } else if (inlineCheckAt(raw, k) && code.labelToBci(((BranchInstruction) all.get(k + 1).ins()).target())
                    == all.get(k + 2).bci() + all.get(k + 2).ins().sizeInBytes()) {
                checkpoint[k] = checkpoint[k + 1] = checkpoint[k + 2] = checkEnds[k + 2] = true;
                checkpoints++;
                k += 2;
            }
        }
        List<Strip> strips = stripMined(code, all, checkpoint, checkEnds);
        Set<Integer> innerGotos = new HashSet<>(), headGotos = new HashSet<>();
        for (Strip st : strips) {
            innerGotos.add(st.innerGoto());
            headGotos.add(st.headGoto());
        }
        int backEdges = 0;
        boolean allChecked = true;
        for (int k = 0; k < all.size(); k++) {
            At at = all.get(k);
            if (checkpoint[k] || headGotos.contains(k) || !isBackEdge(code, at.ins(), at.bci())) continue;
            backEdges++;
            if (!innerGotos.contains(k) && !checkedBackEdge(code, all, checkEnds, k)) allChecked = false;
        }
        boolean startsWithCheckpoint = !all.isEmpty() && checkpoint[0];
        return new MethodFacts(backEdges, checkpoints, strips.size(), startsWithCheckpoint, allChecked,
                List.copyOf(folded(all, checkpoint, strips)));
    }

    /**
     * A strip-mined loop, by instruction indices: head (the strip's set-up) .. inner (the inner
     * test: iload i; iload lim; if_icmpge end) .. innerGoto; end .. headGoto (the loop's own test,
     * the checkpoint, goto head); limitOps: the loop's limit as the strip's end loads it.
     */
    private record Strip(int head, int inner, int innerGoto, int end, int headGoto, List<String> limitOps) {}

    /**
     * The strip-mined loops, recognised by offsets: a goto back to {@code iload i; iload lim;
     * if_icmpge END} with END right after the goto; at END {@code iload i; LIMIT; if_icmpge;
     * CHECKPOINT; goto HEAD}; from HEAD to the inner test exactly {@code LIMIT; istore lim; iload
     * lim; i2l; iload i; i2l; lsub; ldc2_w; lcmp; ifle INNER; iload i; ldc; iadd; istore lim}.
     */
    private static List<Strip> stripMined(CodeAttribute code, List<At> all, boolean[] checkpoint, boolean[] checkEnds) {
        Map<Integer, Integer> indexAt = new HashMap<>();
        for (int k = 0; k < all.size(); k++) indexAt.put(all.get(k).bci(), k);
        List<Strip> strips = new ArrayList<>();
        for (int g = 0; g + 1 < all.size(); g++) {
            if (!(all.get(g).ins() instanceof BranchInstruction gt) || !isGoto(gt.opcode()) || checkpoint[g]) continue;
            Integer inner = indexAt.get(code.labelToBci(gt.target()));
            if (inner == null || inner >= g || inner + 2 >= all.size()) continue;
            int end = g + 1;
            if (!(all.get(inner).ins() instanceof LoadInstruction li) || !(all.get(inner + 1).ins() instanceof LoadInstruction ll)
                    || !(all.get(inner + 2).ins() instanceof BranchInstruction test) || test.opcode() != Opcode.IF_ICMPGE
                    || code.labelToBci(test.target()) != all.get(end).bci()) continue;
            int i = li.slot(), lim = ll.slot();
            // the end: iload i; LIMIT (up to 2 instructions); if_icmpge; checkpoint; goto head
            if (!(all.get(end).ins() instanceof LoadInstruction ei) || ei.slot() != i) continue;
            int endTest = -1;
            for (int k = end + 2; k <= end + 3 && k < all.size(); k++) {
                if (all.get(k).ins().opcode() == Opcode.IF_ICMPGE) { endTest = k; break; }
            }
            if (endTest < 0) continue;
            int headGoto = endTest + 1;
            while (headGoto < all.size() && checkpoint[headGoto]) headGoto++;
            if (headGoto == endTest + 1 || !checkEnds[headGoto - 1] || headGoto >= all.size()
                    || !(all.get(headGoto).ins() instanceof BranchInstruction hg) || !isGoto(hg.opcode())) continue;
            Integer head = indexAt.get(code.labelToBci(hg.target()));
            if (head == null) continue;
            List<String> limitOps = new ArrayList<>();
            for (int k = end + 1; k < endTest; k++) limitOps.add(normalised(all.get(k).ins().opcode()));
            List<String> setUp = new ArrayList<>(limitOps);
            setUp.addAll(List.of("ISTORE", "ILOAD", "I2L", "ILOAD", "I2L", "LSUB", "LDC2_W", "LCMP", "IFLE", "ILOAD", "LDC", "IADD", "ISTORE"));
            if (inner - head != setUp.size()) continue;
            boolean same = true;
            for (int k = head; k < inner; k++) same &= normalised(all.get(k).ins().opcode()).equals(setUp.get(k - head));
            if (!same || !(all.get(inner - 1).ins() instanceof StoreInstruction st) || st.slot() != lim) continue;
            strips.add(new Strip(head, inner, g, end, headGoto, limitOps));
        }
        return strips;
    }

    /** The opcodes without checkpoints, each strip-mined loop folded back into the loop it was. */
    private static List<String> folded(List<At> all, boolean[] checkpoint, List<Strip> strips) {
        Map<Integer, Strip> byHead = new HashMap<>();
        for (Strip st : strips) byHead.put(st.head(), st);
        List<String> opcodes = new ArrayList<>();
        Strip in = null;
        for (int k = 0; k < all.size(); k++) {
            Strip st = byHead.get(k);
            if (st != null) {
                in = st;
                k = st.inner(); // skip the set-up; the inner test's iload i
                opcodes.add("ILOAD");
                opcodes.addAll(st.limitOps()); // instead of iload lim
                k++;
                continue;
            }
            if (in != null && k == in.end()) {
                k = in.headGoto(); // skip the strip's end
                in = null;
                continue;
            }
            if (!checkpoint[k]) opcodes.add(normalised(all.get(k).ins().opcode()));
        }
        return opcodes;
    }

    /** The labels that a jump, a switch or an exception handler goes to, with how many go there. */
    private static Map<Label, Integer> jumpTargets(CodeAttribute code) {
        Map<Label, Integer> targets = new HashMap<>();
        for (CodeElement e : code) {
            switch (e) {
                case BranchInstruction br -> targets.merge(br.target(), 1, Integer::sum);
                case TableSwitchInstruction ts -> {
                    targets.merge(ts.defaultTarget(), 1, Integer::sum);
                    ts.cases().forEach(c -> targets.merge(c.target(), 1, Integer::sum));
                }
                case LookupSwitchInstruction ls -> {
                    targets.merge(ls.defaultTarget(), 1, Integer::sum);
                    ls.cases().forEach(c -> targets.merge(c.target(), 1, Integer::sum));
                }
                case ExceptionCatch ec -> targets.merge(ec.handler(), 1, Integer::sum);
                default -> { }
            }
        }
        return targets;
    }

    /**
     * Whether every path through the back-edge at index k passes a checkpoint right before it:
     * a checkpoint ends right before it, with no label between; or the back-edge is a goto_w
     * that java.lang.classfile made of a conditional jump too far for 16 bits
     * ({@code if_icmplt L} became {@code if_icmpge next; goto_w L; next:}), and a checkpoint ends
     * right before that inverted jump.
     */
    private static boolean checkedBackEdge(CodeAttribute code, List<At> all, boolean[] checkEnds, int k) {
        At edge = all.get(k);
        if (k >= 1 && !edge.labelled() && checkEnds[k - 1]) return true;
        if (edge.ins().opcode() != Opcode.GOTO_W || edge.labelled() || k < 2 || k + 1 >= all.size()) return false;
        At cond = all.get(k - 1);
        return cond.ins() instanceof BranchInstruction br && br.opcode() != Opcode.GOTO && br.opcode() != Opcode.GOTO_W
                && code.labelToBci(br.target()) == all.get(k + 1).bci()
                && !cond.labelled() && checkEnds[k - 2];
    }

    /** The compact checkpoint, a call of Gort.checkpoint() (also what hand-written code has). */
    static boolean isCompactCheckpoint(Instruction ins) {
        return ins instanceof InvokeInstruction inv && inv.opcode() == Opcode.INVOKESTATIC
                && inv.owner().asInternalName().equals("dev/gort/Gort")
                && inv.name().equalsString("checkpoint") && inv.type().equalsString("()V");
    }

    /** Whether an inline check starts at k: getstatic Checkpoint.pending; ifeq; invokestatic Checkpoint.slowPath. */
    private static boolean inlineCheckAt(List<Instruction> ins, int k) {
        return k + 2 < ins.size()
                && ins.get(k) instanceof FieldInstruction f && f.opcode() == Opcode.GETSTATIC
                && f.owner().asInternalName().equals("dev/gort/Checkpoint") && f.name().equalsString("pending")
                && ins.get(k + 1).opcode() == Opcode.IFEQ
                && ins.get(k + 2) instanceof InvokeInstruction inv && inv.opcode() == Opcode.INVOKESTATIC
                && inv.owner().asInternalName().equals("dev/gort/Checkpoint") && inv.name().equalsString("slowPath");
    }

    private static boolean isGoto(Opcode op) {
        return op == Opcode.GOTO || op == Opcode.GOTO_W;
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

    /** Encodings a rewrite may legitimately change (a longer jump, a wider constant index, a short form of a local's load or store) as one. */
    private static String normalised(Opcode op) {
        return switch (op) {
            case GOTO_W -> "GOTO";
            case JSR_W -> "JSR";
            case LDC_W -> "LDC";
            default -> op.name().matches("[AILFD](LOAD|STORE)_[0-3]") ? op.name().substring(0, op.name().length() - 2) : op.name();
        };
    }
}
