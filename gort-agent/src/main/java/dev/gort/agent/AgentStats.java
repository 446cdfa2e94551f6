package dev.gort.agent;

import java.util.concurrent.atomic.AtomicLong;

/** What the agent did, in totals: printed at exit with verbose=true, and read by tests. */
public final class AgentStats {
    final AtomicLong classesSeen = new AtomicLong();
    final AtomicLong classesTransformed = new AtomicLong();
    final AtomicLong classesFailed = new AtomicLong();
    final AtomicLong backEdges = new AtomicLong();
    final AtomicLong stripMined = new AtomicLong();
    final AtomicLong entries = new AtomicLong();
    final AtomicLong threadCallSites = new AtomicLong();

    /** Counts for one class, gathered without synchronisation by its transform, then added. */
    static final class Counts {
        long backEdges, stripMined, entries, threadCallSites;

        boolean any() {
            return backEdges + entries + threadCallSites > 0;
        }
    }

    void add(Counts c) {
        classesTransformed.incrementAndGet();
        backEdges.addAndGet(c.backEdges);
        stripMined.addAndGet(c.stripMined);
        entries.addAndGet(c.entries);
        threadCallSites.addAndGet(c.threadCallSites);
    }

    public long classesTransformed() { return classesTransformed.get(); }
    public long classesFailed() { return classesFailed.get(); }
    public long backEdges() { return backEdges.get(); }
    /** Of the back-edge checkpoints, those of strip-mined loops (one check per strip, not per trip). */
    public long stripMined() { return stripMined.get(); }
    public long threadCallSites() { return threadCallSites.get(); }

    @Override
    public String toString() {
        return "gort-agent: " + classesSeen.get() + " classes considered, " + classesTransformed.get() + " transformed, "
                + classesFailed.get() + " left unchanged after an error; " + backEdges.get() + " back-edge checkpoints, "
                + entries.get() + " entry checkpoints, " + threadCallSites.get() + " virtual-thread call sites; "
                + stripMined.get() + " of the loops strip-mined";
    }
}
