package dev.gort.runtime;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * select. Go: select.go selectgo.
 *
 * <p>Cases are polled in a uniformly random order (Go's pollorder) so that every ready case is
 * chosen about equally often; channels are locked in one global order (Go sorts by address;
 * gort by channel id, skipping duplicates) so two selects never deadlock on each other's
 * locks. If no case is ready and there is no default, the goroutine queues a sudog on every
 * channel, all sharing one done flag: the first channel operation to win that flag completes
 * the select, the others skip its sudogs, and after waking it dequeues the rest. So a blocked
 * select wakes exactly once.
 */
public final class SelectGo {
    private SelectGo() {}

    /**
     * Runs a select over cases: chans[i] with isSend[i] (sending sendVals[i]). Returns the chosen
     * index, with recvVal[0]/recvOk[0] set for a receive; or -1 if block is false and nothing is
     * ready. A nil channel's case never fires.
     */
    public static int select(HChan[] chans, boolean[] isSend, Object[] sendVals, boolean block,
                             Object[] recvVal, boolean[] recvOk) {
        Proc.checkpoint();
        int n = chans.length;
        // pollorder: a random permutation (Fisher-Yates with a thread-local random source)
        int[] pollorder = new int[n];
        int live = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            if (chans[i].nil) continue;
            int j = rnd.nextInt(live + 1);
            pollorder[live] = pollorder[j];
            pollorder[j] = i;
            live++;
        }
        if (live == 0) {
            if (!block) return -1;
            HChan.parkForever(n == 0 ? WaitReason.SELECT_NO_CASES : WaitReason.SELECT);
        }
        // lockorder: distinct channels sorted by id
        HChan[] lockorder = new HChan[live];
        int distinct = 0;
        for (int k = 0; k < live; k++) {
            HChan c = chans[pollorder[k]];
            boolean dup = false;
            for (int m = 0; m < distinct; m++) if (lockorder[m] == c) { dup = true; break; }
            if (!dup) lockorder[distinct++] = c;
        }
        java.util.Arrays.sort(lockorder, 0, distinct, (a, b) -> Long.compare(a.id, b.id));
        boolean external = false;
        for (int m = 0; m < distinct; m++) {
            lockorder[m].noteCaller();
            external |= lockorder[m].usedOutside;
        }

        lockAll(lockorder, distinct);
        // pass 1 - look for something already waiting
        for (int k = 0; k < live; k++) {
            int i = pollorder[k];
            HChan c = chans[i];
            if (isSend[i]) {
                if (c.closed) {
                    unlockAll(lockorder, distinct);
                    throw new IllegalStateException("send on closed channel");
                }
                if (c.trySendLocked(sendVals[i])) {
                    unlockAll(lockorder, distinct);
                    return i;
                }
            } else {
                if (c.tryRecvLocked(recvVal)) {
                    recvOk[0] = true;
                    unlockAll(lockorder, distinct);
                    return i;
                }
                if (c.closed) {
                    recvVal[0] = null;
                    recvOk[0] = false;
                    unlockAll(lockorder, distinct);
                    return i;
                }
            }
        }
        if (!block) {
            unlockAll(lockorder, distinct);
            return -1;
        }
        // pass 2 - enqueue on all chans (in lock order, as Go does)
        Sudog.SelectDone sel = new Sudog.SelectDone();
        Sudog[] sgs = new Sudog[n];
        for (int i = 0; i < n; i++) {
            HChan c = chans[i];
            if (c.nil) continue;
            Sudog sg = new Sudog(c, isSend[i] ? sendVals[i] : null, sel, i);
            sgs[i] = sg;
            if (isSend[i]) c.sendq.enqueue(sg); else c.recvq.enqueue(sg);
        }
        unlockAll(lockorder, distinct);

        // wait for someone to wake us up
        Proc.setParkingReason(WaitReason.SELECT, external);
        boolean interrupted = false;
        try {
            while (sel.winner == null) {
                LockSupport.park(sel);
                if (sel.winner == null && Thread.interrupted()) {
                    if (sel.compareAndSet(0, 1)) { // nobody won: we withdraw the whole select
                        interrupted = true;
                        break;
                    }
                    Thread.currentThread().interrupt();
                    while (sel.winner == null) Thread.onSpinWait();
                }
            }
        } finally {
            Proc.setParkingReason(null);
        }

        // pass 3 - dequeue from unsuccessful chans
        lockAll(lockorder, distinct);
        for (int i = 0; i < n; i++) {
            Sudog sg = sgs[i];
            if (sg == null || sg == sel.winner) continue;
            if (isSend[i]) chans[i].sendq.remove(sg); else chans[i].recvq.remove(sg);
        }
        unlockAll(lockorder, distinct);
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new dev.gort.GoroutineInterruptedException("select");
        }
        Sudog w = sel.winner;
        int i = w.caseIndex;
        if (isSend[i]) {
            if (!w.success) throw new IllegalStateException("send on closed channel");
        } else {
            recvVal[0] = w.elem;
            recvOk[0] = w.success;
        }
        return i;
    }

    private static void lockAll(HChan[] order, int n) {
        for (int i = 0; i < n; i++) order[i].lock();
    }

    private static void unlockAll(HChan[] order, int n) {
        for (int i = n - 1; i >= 0; i--) order[i].unlock();
    }
}
