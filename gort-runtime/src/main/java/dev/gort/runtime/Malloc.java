package dev.gort.runtime;

import dev.gort.runtime.mem.CacheHook;
import dev.gort.runtime.mem.MCache;
import dev.gort.runtime.mem.MHeap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The scheduler's side of the span heap ({@code dev.gort.runtime.mem}): one cache per P for the
 * default heap, and sysmon's scavenge.
 *
 * <p>Go gives every P an mcache when procresize makes it (allocmcache) and frees it when the P
 * is destroyed (freemcache); mallocgc finds it through {@code getg().m.p.mcache}. Here the heap
 * is the process's and may never be used, so a P's cache is made the first time a goroutine on
 * that P allocates, and found through the carrier's M. A destroyed P's cache is flushed by
 * sysmon (which has no P) rather than by procresize: flushing takes the heap's world lock,
 * which a goroutine may hold, and an M that holds a P must never queue on a lock behind a
 * goroutine (docs/DESIGN.md §10).
 */
final class Malloc {
    private Malloc() {}

    private static final VarHandle MCACHE;

    static {
        try {
            MCACHE = MethodHandles.lookup().findVarHandle(P.class, "mcache", MCache.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Installs the per-P cache lookup (once, from Sched's class initialiser). */
    static void init() {
        CacheHook.perP = Malloc::currentPCache;
    }

    /**
     * The cache of the P the calling goroutine runs on, made on first use; null off a P (the heap
     * then uses a striped cache). Go: getMCache (and allocmcache, lazily).
     */
    static MCache currentPCache(MHeap heap) {
        M mp = M.current();
        if (mp == null) return null;
        P pp = mp.p;
        if (pp == null) return null;
        MCache c = pp.mcache;
        if (c != null) return c;
        c = heap.newCache();
        if (MCACHE.compareAndSet(pp, (MCache) null, c)) return c;
        // The P changed hands while we made it (a hand-off): use the winner's, flush ours.
        heap.dropCache(c);
        return pp.mcache;
    }

    /** A P is destroyed (procresize): its cache goes to sysmon to flush. Go: freemcache. */
    static void orphan(Sched sched, P pp) {
        MCache c = (MCache) MCACHE.getAndSet(pp, (MCache) null);
        if (c != null) sched.orphanedCaches.add(c);
    }

    /**
     * Flushes the caches of destroyed Ps into the heap. sysmon (no P); a cache whose flush would
     * wait (a world-wide heap operation in progress) stays queued for the next round, unless wait.
     */
    static void dropOrphans(Sched sched, boolean wait) {
        int n = sched.orphanedCaches.size();
        for (int i = 0; i < n; i++) {
            MCache c = sched.orphanedCaches.poll();
            if (c == null) return;
            if (wait) {
                c.heap().dropCache(c);
            } else if (!c.heap().tryDropCache(c)) {
                sched.orphanedCaches.add(c);
            }
        }
    }

    /** The runtime ended: flush every P's cache. sysmon, as it exits. */
    static void dropAll(Sched sched) {
        for (P pp : sched.allp) orphan(sched, pp);
        dropOrphans(sched, true);
    }

    /**
     * sysmon's scavenge: gives back to the OS the free spans of the default heap idle for longer
     * than the limit; does nothing if no one has used the heap. Go ≤1.12: sysmon's
     * {@code mheap_.scavenge(k, now, scavengelimit)}, every scavengelimit/2.
     */
    static void scavenge(Sched sched) {
        dropOrphans(sched, false);
        MHeap h = MHeap.defaultHeapIfCreated();
        if (h == null) return;
        long released = h.scavenge(h.nanotime(), sched.tunables.scavengeLimitNs());
        sched.nscavenge++;
        sched.scavengedBytes += released;
    }

    /** Whether the default heap exists (sysmon's deep sleep then wakes for the scavenger). */
    static boolean heapInUse() {
        return MHeap.defaultHeapIfCreated() != null;
    }
}
