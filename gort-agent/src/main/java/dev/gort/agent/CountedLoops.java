package dev.gort.agent;

import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the loops of one method that {@link Checkpoints} may strip-mine: innermost, call-free
 * counted loops in the shape javac gives {@code for (...; i < limit; i++)}, with a limit that
 * cannot change inside the loop:
 *
 * <pre>
 *   head: iload i; LIMIT; if_icmpge exit     LIMIT: iload n | aload a; arraylength | an int constant
 *         ...body...                          no call, no backward jump, no write to i, n or a
 *         iinc i 1                            the only write to i, with no label between it and the goto
 *         goto head                           the only jump to head
 * </pre>
 *
 * Every jump into the body comes from inside it (an exception handler in the body covers only
 * body code). With these conditions a strip {@code while (i < lim)}, {@code lim = min(limit,
 * i + STRIP)}, runs at most STRIP trips of a call-free, loop-free body, and exits exactly where
 * the original would keep going only if {@code i < limit} says so at the strip's end, which
 * the transformed code tests there. Anything else (decreasing loops, {@code <=}, a limit read
 * from a field, a body with a call) keeps the plain check at its back-edge.
 *
 * <p>Positions are indices into {@link CodeModel#elementList()}, the order in which a code
 * transform receives the elements.
 */
final class CountedLoops {
    private CountedLoops() {}

    /**
     * One loop to strip-mine. head: index of the head's label; condition: the index of the
     * {@code iload i}, limit: the indices of the limit's instructions, test: of the
     * {@code if_icmpge}, backEdge: of the goto.
     */
    record Loop(int head, Label headLabel, int indexSlot, List<Integer> limit, List<Instruction> limitCode,
                int test, Label exit, int backEdge) {}

    /** The strip-minable loops of code, by the index of their head label. */
    static Map<Integer, Loop> find(CodeModel code) {
        List<CodeElement> els = code.elementList();
        Map<Label, Integer> boundAt = new HashMap<>();
        for (int k = 0; k < els.size(); k++) {
            if (els.get(k) instanceof LabelTarget t) boundAt.put(t.label(), k);
        }
        // every way into a label: jumps (by index of the jump) and exception handlers
        Map<Label, List<Integer>> jumpsTo = new HashMap<>();
        for (int k = 0; k < els.size(); k++) {
            for (Label l : targets(els.get(k))) jumpsTo.computeIfAbsent(l, x -> new ArrayList<>()).add(k);
        }
        List<ExceptionCatch> catches = code.exceptionHandlers();
        Map<Integer, Loop> loops = new HashMap<>();
        for (int g = 0; g < els.size(); g++) {
            if (!(els.get(g) instanceof BranchInstruction br) || !isGoto(br.opcode())) continue;
            Integer h = boundAt.get(br.target());
            if (h == null || h >= g) continue;
            Loop loop = match(els, h, g, boundAt, jumpsTo, catches);
            if (loop != null) loops.put(h, loop);
        }
        return loops;
    }

    private static Loop match(List<CodeElement> els, int h, int g, Map<Label, Integer> boundAt,
                              Map<Label, List<Integer>> jumpsTo, List<ExceptionCatch> catches) {
        Label head = ((LabelTarget) els.get(h)).label();
        if (!jumpsTo.getOrDefault(head, List.of()).equals(List.of(g))) return null; // entered by falling in only
        for (ExceptionCatch c : catches) if (c.handler() == head) return null;

        // the test: iload i; LIMIT; if_icmpge exit (line numbers and the like may sit between)
        int k = nextInstruction(els, h + 1, g);
        if (k < 0 || !(els.get(k) instanceof LoadInstruction li) || li.typeKind() != TypeKind.INT) return null;
        int i = li.slot();
        int firstLimit = nextInstruction(els, k + 1, g);
        if (firstLimit < 0) return null;
        List<Integer> limit = new ArrayList<>();
        int n = -1, a = -1;
        switch (els.get(firstLimit)) {
            case LoadInstruction ln when ln.typeKind() == TypeKind.INT && ln.slot() != i -> {
                n = ln.slot();
                limit.add(firstLimit);
            }
            case LoadInstruction la when la.typeKind() == TypeKind.REFERENCE -> {
                int len = nextInstruction(els, firstLimit + 1, g);
                if (len < 0 || !(els.get(len) instanceof OperatorInstruction op) || op.opcode() != Opcode.ARRAYLENGTH) return null;
                a = la.slot();
                limit.add(firstLimit);
                limit.add(len);
            }
            case ConstantInstruction c when c.typeKind() == TypeKind.INT -> limit.add(firstLimit);
            default -> { return null; }
        }
        int test = nextInstruction(els, limit.getLast() + 1, g);
        if (test < 0 || !(els.get(test) instanceof BranchInstruction cond) || cond.opcode() != Opcode.IF_ICMPGE) return null;

        // iinc i 1 right before the goto, nothing that a jump could land on between them
        int inc = -1;
        for (int p = g - 1; p > test; p--) {
            CodeElement e = els.get(p);
            if (e instanceof LabelTarget) return null;
            if (e instanceof Instruction) {
                inc = p;
                break;
            }
        }
        if (inc < 0 || !(els.get(inc) instanceof IncrementInstruction ii) || ii.slot() != i || ii.constant() != 1) return null;

        // the body, between the head and the goto
        for (int p = h + 1; p < g; p++) {
            CodeElement e = els.get(p);
            if (e instanceof LabelTarget t) {
                for (int from : jumpsTo.getOrDefault(t.label(), List.of())) {
                    if (from <= h || from >= g) return null; // a jump into the body from outside
                }
                for (ExceptionCatch c : catches) {
                    if (c.handler() == t.label() && !(inside(boundAt, c.tryStart(), h, g) && inside(boundAt, c.tryEnd(), h, g))) {
                        return null; // a handler in the body for code outside it
                    }
                }
                continue;
            }
            if (!(e instanceof Instruction ins)) continue;
            if (ins instanceof InvokeInstruction || ins instanceof InvokeDynamicInstruction
                    || ins instanceof DiscontinuedInstruction) return null; // a call: no bound on a trip's time
            for (Label l : targets(e)) {
                Integer at = boundAt.get(l);
                if (at == null || at <= p) return null; // a backward jump: not innermost
            }
            if (p != inc && writes(ins, i)) return null;
            if (n >= 0 && writes(ins, n)) return null;
            if (a >= 0 && writes(ins, a)) return null;
        }
        List<Instruction> limitCode = limit.stream().map(x -> (Instruction) els.get(x)).toList();
        return new Loop(h, head, i, List.copyOf(limit), limitCode, test, cond.target(), g);
    }

    /** Whether label is bound at an index in [from, to]. */
    private static boolean inside(Map<Label, Integer> boundAt, Label label, int from, int to) {
        Integer at = boundAt.get(label);
        return at != null && at > from && at <= to;
    }

    /** The index of the first instruction at or after k and before end, or -1 if a label comes first. */
    private static int nextInstruction(List<CodeElement> els, int k, int end) {
        for (; k < end; k++) {
            CodeElement e = els.get(k);
            if (e instanceof LabelTarget) return -1;
            if (e instanceof Instruction) return k;
            if (!(e instanceof PseudoInstruction)) return -1;
        }
        return -1;
    }

    /** Whether ins writes local slot (a two-slot store just below it counts). */
    private static boolean writes(Instruction ins, int slot) {
        return switch (ins) {
            case StoreInstruction s -> s.slot() == slot || (s.slot() + 1 == slot && s.typeKind().slotSize() == 2);
            case IncrementInstruction inc -> inc.slot() == slot;
            default -> false;
        };
    }

    private static boolean isGoto(Opcode op) {
        return op == Opcode.GOTO || op == Opcode.GOTO_W;
    }

    /** The labels an element jumps to. */
    private static List<Label> targets(CodeElement e) {
        return switch (e) {
            case BranchInstruction br -> List.of(br.target());
            case TableSwitchInstruction ts -> withCases(ts.defaultTarget(), ts.cases());
            case LookupSwitchInstruction ls -> withCases(ls.defaultTarget(), ls.cases());
            default -> List.of();
        };
    }

    private static List<Label> withCases(Label dflt, List<SwitchCase> cases) {
        List<Label> all = new ArrayList<>(cases.size() + 1);
        all.add(dflt);
        for (SwitchCase c : cases) all.add(c.target());
        return all;
    }
}
