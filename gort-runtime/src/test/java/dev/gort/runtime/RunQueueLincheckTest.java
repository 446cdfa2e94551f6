package dev.gort.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.Options;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the local run queue, checked by lincheck (model checking and stress)
 * against a sequential model: a FIFO ring plus the runnext slot, with Go's semantics.
 *
 * <p>put and get run on one thread only, the owner (lincheck's nonParallelGroup); steal and
 * isEmpty on any thread. A steal goes into a fresh thief queue and reports the stolen run in ring
 * order (so: half the ring rounded up, oldest first). Capacities 2 and 4, so that overflow
 * (runqputslow racing with thieves) and wrap-around happen within a few operations.
 *
 * <p>Steal runs here with stealRunNext false only. With true, the queue is not linearizable
 * against this model, by design (Go's runqput/runqgrab behave the same): put(gp, next=true)
 * swaps runnext first and moves the old runnext into the ring second, so a thief that finds the
 * ring empty in between takes the new runnext while the old one is on its way to the ring.
 * Lincheck's model checker reports, for put(5,true); [put(5,true) || steal(true): [5]]; get():
 * the final get returns 5 from the ring where the model says "runnext 5". Nothing is lost or
 * duplicated (RunQueueStressTest checks that with stealRunNext), only the choice of which G
 * the thief gets.
 *
 * <p>On JDK 25, lincheck 2.34 needs ASM 9.8 (see the pom): with its own ASM 9.6 it cannot read
 * class files of major version 69 and silently leaves RunQueue uninstrumented, so the model
 * checker would explore nothing.
 */
public class RunQueueLincheckTest {

    static String ids(G list) {
        List<Long> out = new ArrayList<>();
        for (G gp = list; gp != null; gp = gp.schedlink) out.add(gp.goid);
        return out.toString();
    }

    /** The concurrent side: the operations lincheck calls. One instance per scenario run. */
    public abstract static class Ops {
        private final int capacity;
        private final RunQueue q;

        Ops(int capacity) {
            this.capacity = capacity;
            this.q = new RunQueue(capacity);
        }

        @Operation(nonParallelGroup = "owner")
        public String put(@Param(gen = IntGen.class, conf = "1:9") int id, boolean next) {
            G batch = q.put(new G(null, id, 0, null, false), next);
            return batch == null ? "ok" : "overflow " + ids(batch);
        }

        @Operation(nonParallelGroup = "owner")
        public String get() {
            boolean[] inherit = new boolean[1];
            G gp = q.get(inherit);
            if (gp == null) return "none";
            return (inherit[0] ? "runnext " : "") + gp.goid;
        }

        /** Steals into a fresh thief queue; returns the stolen run in ring order. */
        @Operation
        public String steal() {
            RunQueue thief = new RunQueue(capacity);
            G gp = thief.steal(q, false, false);
            if (gp == null) return "[]";
            List<Long> out = new ArrayList<>();
            for (G x = thief.drain(); x != null; x = x.schedlink) out.add(x.goid);
            out.add(gp.goid); // steal returns the last G of the run
            return out.toString();
        }

        @Operation
        public boolean isEmpty() {
            return q.isEmpty();
        }
    }

    /** The sequential specification. */
    public abstract static class Model {
        private final int capacity;
        private final ArrayDeque<Long> ring = new ArrayDeque<>();
        private Long runnext;

        Model(int capacity) {
            this.capacity = capacity;
        }

        public String put(int id, boolean next) {
            long gp = id;
            if (next) {
                Long old = runnext;
                runnext = gp;
                if (old == null) return "ok";
                gp = old;
            }
            if (ring.size() < capacity) {
                ring.addLast(gp);
                return "ok";
            }
            List<Long> batch = new ArrayList<>();
            for (int i = 0; i < capacity / 2; i++) batch.add(ring.pollFirst());
            batch.add(gp);
            return "overflow " + batch;
        }

        public String get() {
            if (runnext != null) {
                long gp = runnext;
                runnext = null;
                return "runnext " + gp;
            }
            Long gp = ring.pollFirst();
            return gp == null ? "none" : Long.toString(gp);
        }

        public String steal() {
            int n = ring.size() - ring.size() / 2;
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) out.add(ring.pollFirst());
            return out.toString();
        }

        public boolean isEmpty() {
            return ring.isEmpty() && runnext == null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Model m && List.copyOf(ring).equals(List.copyOf(m.ring))
                    && Objects.equals(runnext, m.runnext);
        }

        @Override
        public int hashCode() {
            return Objects.hash(List.copyOf(ring), runnext);
        }
    }

    public static final class Capacity2 extends Ops {
        public Capacity2() {
            super(2);
        }
    }

    public static final class Model2 extends Model {
        public Model2() {
            super(2);
        }
    }

    public static final class Capacity4 extends Ops {
        public Capacity4() {
            super(4);
        }
    }

    public static final class Model4 extends Model {
        public Model4() {
            super(4);
        }
    }

    static <O extends Options<O, ?>> O shape(O opts, Class<? extends Model> model) {
        return opts.sequentialSpecification(model)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(4)
                .actorsAfter(2);
    }

    // Budgets: about 20 s for the class on two cores. Model checking is what finds the subtle
    // races (it catches a putSlow without its CAS at capacity 2, which stress mode and
    // capacity 4 miss); stress mode runs the real memory model on the same scenarios.

    @Test
    void modelCheckingCapacity2() {
        LinChecker.check(Capacity2.class,
                shape(new ModelCheckingOptions(), Model2.class).iterations(40).invocationsPerIteration(1_000));
    }

    @Test
    void modelCheckingCapacity4() {
        LinChecker.check(Capacity4.class,
                shape(new ModelCheckingOptions(), Model4.class).iterations(20).invocationsPerIteration(1_000));
    }

    @Test
    void stressCapacity2() {
        LinChecker.check(Capacity2.class,
                shape(new StressOptions(), Model2.class).iterations(20).invocationsPerIteration(2_000));
    }
}
