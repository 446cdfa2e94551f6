package dev.gort.agent;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts gort's checkpoint ({@code invokestatic dev/gort/Gort.checkpoint()V}) before every loop
 * back-edge of one method, and optionally at its entry: Go's compiler puts its preemption
 * check in every function prologue; gort puts it where a Java method can run for long without
 * returning, so a loop with no calls at all still reaches one on every trip round.
 *
 * <p>A back-edge is a jump (goto, a conditional branch, a switch) to a label already bound
 * earlier in the method: the elements arrive in code order, so one pass knows which targets are
 * behind it. The checkpoint goes right before the jump; the jump's operands stay on the operand
 * stack under a call that takes and returns nothing, so no local variable is added, nothing
 * moves, and the stack maps the library computes afresh differ from the original's only by
 * offsets. Stateful: one instance per method ({@link CodeTransform#ofStateful}).
 */
final class Checkpoints implements CodeTransform {
    static final ClassDesc GORT = ClassDesc.of("dev.gort.Gort");
    static final MethodTypeDesc VOID = MethodTypeDesc.of(java.lang.constant.ConstantDescs.CD_void);

    private final boolean entries;
    private final AgentStats.Counts counts;
    private final Set<Label> bound = new HashSet<>();

    Checkpoints(boolean entries, AgentStats.Counts counts) {
        this.entries = entries;
        this.counts = counts;
    }

    @Override
    public void atStart(CodeBuilder b) {
        if (entries) {
            checkpoint(b);
            counts.entries++;
        }
    }

    @Override
    public void accept(CodeBuilder b, CodeElement e) {
        switch (e) {
            case LabelTarget t -> bound.add(t.label());
            case BranchInstruction br when bound.contains(br.target()) -> backEdge(b);
            case TableSwitchInstruction ts when backwards(ts.defaultTarget(), ts.cases()) -> backEdge(b);
            case LookupSwitchInstruction ls when backwards(ls.defaultTarget(), ls.cases()) -> backEdge(b);
            default -> { }
        }
        b.with(e);
    }

    private void backEdge(CodeBuilder b) {
        checkpoint(b);
        counts.backEdges++;
    }

    private boolean backwards(Label dflt, List<SwitchCase> cases) {
        if (bound.contains(dflt)) return true;
        for (SwitchCase c : cases) {
            if (bound.contains(c.target())) return true;
        }
        return false;
    }

    private static void checkpoint(CodeBuilder b) {
        b.invokestatic(GORT, "checkpoint", VOID);
    }

    /** Whether the method has a back-edge (a cheap pre-scan: most methods have none). */
    static boolean hasBackEdge(Iterable<CodeElement> code) {
        Set<Label> seen = new HashSet<>();
        for (CodeElement e : code) {
            switch (e) {
                case LabelTarget t -> seen.add(t.label());
                case BranchInstruction br -> { if (seen.contains(br.target())) return true; }
                case TableSwitchInstruction ts -> {
                    if (seen.contains(ts.defaultTarget())) return true;
                    for (SwitchCase c : ts.cases()) if (seen.contains(c.target())) return true;
                }
                case LookupSwitchInstruction ls -> {
                    if (seen.contains(ls.defaultTarget())) return true;
                    for (SwitchCase c : ls.cases()) if (seen.contains(c.target())) return true;
                }
                default -> { }
            }
        }
        return false;
    }
}
