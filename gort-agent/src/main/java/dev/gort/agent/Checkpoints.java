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
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts gort's checkpoint before every loop back-edge of one method, and optionally at its entry:
 * Go's compiler puts its preemption check in every function prologue; gort puts it where a Java
 * method can run for long without returning, so a loop with no calls at all still reaches one.
 *
 * <p>The check is inline, the same test as {@code Gort.checkpoint()}: {@code getstatic
 * dev/gort/Checkpoint.pending I; ifeq skip; invokestatic dev/gort/Checkpoint.slowPath()V; skip:}
 * (9 bytes), so that each loop has its own branch profile in the JIT ({@code dev.gort.Checkpoint}
 * says why). With {@code compact} it is the 3-byte call {@code invokestatic
 * dev/gort/Gort.checkpoint()V}, for methods that would pass the 64 KiB code limit otherwise.
 *
 * <p>A back-edge is a jump (goto, a conditional branch, a switch) to a label already bound
 * earlier in the method: the elements arrive in code order, so one pass knows which targets are
 * behind it. The checkpoint goes right before the jump; the jump's operands stay on the operand
 * stack under a check that takes and leaves nothing, so no local variable is added and the stack
 * maps the library computes afresh differ from the original's only by offsets.
 *
 * <p>Except for the innermost counted loops that {@link CountedLoops} finds (unless compact):
 * a volatile read on every trip keeps the JIT from unrolling and vectorising such a loop, so it
 * is strip-mined, the way C2 strip-mines its own safepoint polls ({@code LoopStripMiningIter}):
 *
 * <pre>
 *   head:  lim = limit; if ((long) lim - i > STRIP) lim = i + STRIP   (a new int local)
 *   inner: iload i; iload lim; if_icmpge end
 *          ...body...; iinc i 1
 *          goto inner                              no check: at most STRIP trips
 *   end:   iload i; LIMIT; if_icmpge exit          the loop's own test
 *          CHECKPOINT
 *          goto head
 * </pre>
 *
 * Stateful: one instance per method ({@link CodeTransform#ofStateful}).
 */
final class Checkpoints implements CodeTransform {
    static final ClassDesc GORT = ClassDesc.of("dev.gort.Gort");
    static final ClassDesc CHECKPOINT = ClassDesc.of("dev.gort.Checkpoint");
    static final MethodTypeDesc VOID = MethodTypeDesc.of(ConstantDescs.CD_void);
    /**
     * Trips of a strip: a check at least every STRIP trips of a call-free, loop-free body, well
     * under a millisecond for any body that fits a method. C2 polls for safepoints every 1,000
     * trips of its own strips (LoopStripMiningIter); 4,096 is arbitrary, as large as keeps the
     * bound small, so that the strip's set-up is rare.
     */
    static final int STRIP = 4096;

    private final boolean entries;
    private final boolean compact;
    private final AgentStats.Counts counts;
    private final Map<Integer, CountedLoops.Loop> loops;
    private final Set<Label> bound = new HashSet<>();
    /** Index of the element being accepted, in CodeModel.elementList() order. */
    private int index = -1;
    /** The strip-mined loop being emitted, its inner head, its end, and its limit local. */
    private CountedLoops.Loop loop;
    private Label inner, end;
    private int lim;

    Checkpoints(boolean entries, boolean compact, Map<Integer, CountedLoops.Loop> loops, AgentStats.Counts counts) {
        this.entries = entries;
        this.compact = compact;
        this.loops = compact ? Map.of() : loops;
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
        index++;
        if (loop == null && loops.get(index) instanceof CountedLoops.Loop l) {
            bound.add(l.headLabel());
            b.with(e);
            stripHead(b, l);
            return;
        }
        if (loop != null) {
            if (loop.limit().contains(index)) {
                if (index == loop.limit().getFirst()) b.iload(lim);
                return;
            }
            if (index == loop.test()) {
                b.if_icmpge(end);
                return;
            }
            if (index == loop.backEdge()) {
                b.goto_(inner);
                stripEnd(b);
                return;
            }
        }
        switch (e) {
            case LabelTarget t -> bound.add(t.label());
            case BranchInstruction br when bound.contains(br.target()) -> backEdge(b);
            case TableSwitchInstruction ts when backwards(ts.defaultTarget(), ts.cases()) -> backEdge(b);
            case LookupSwitchInstruction ls when backwards(ls.defaultTarget(), ls.cases()) -> backEdge(b);
            default -> { }
        }
        b.with(e);
    }

    /** Right after the head label: lim = min(limit, i + STRIP) without overflow, then the inner head. */
    private void stripHead(CodeBuilder b, CountedLoops.Loop l) {
        loop = l;
        inner = b.newLabel();
        end = b.newLabel();
        lim = b.allocateLocal(TypeKind.INT);
        int i = l.indexSlot();
        l.limitCode().forEach(b::with);
        b.istore(lim)
                .iload(lim).i2l().iload(i).i2l().lsub().ldc((long) STRIP).lcmp().ifle(inner)
                .iload(i).ldc(STRIP).iadd().istore(lim)
                .labelBinding(inner);
    }

    /** After the inner goto: the loop's own test, the checkpoint, and back to the head for the next strip. */
    private void stripEnd(CodeBuilder b) {
        b.labelBinding(end).iload(loop.indexSlot());
        loop.limitCode().forEach(b::with);
        b.if_icmpge(loop.exit());
        checkpoint(b);
        b.goto_(loop.headLabel());
        counts.backEdges++;
        counts.stripMined++;
        loop = null;
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

    private void checkpoint(CodeBuilder b) {
        if (compact) {
            b.invokestatic(GORT, "checkpoint", VOID);
            return;
        }
        Label skip = b.newLabel();
        b.getstatic(CHECKPOINT, "pending", ConstantDescs.CD_int)
                .ifeq(skip)
                .invokestatic(CHECKPOINT, "slowPath", VOID)
                .labelBinding(skip);
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
