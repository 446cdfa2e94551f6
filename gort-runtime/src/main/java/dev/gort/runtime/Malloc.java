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
 * that P allocates, and found through the carrier's M. A destroyed P's cache is flushed, and
 * sysmon's scavenge runs, on a platform thread of the heap's own ({@code gort-scavenge}) that
 * sysmon only signals: both take the heap's locks, on which goroutines queue (they are
 * {@code ReentrantLock}s), and neither an M that holds a P nor sysmon may wait behind a goroutine
 * that needs a P, or a preemption only sysmon would deliver (docs/DESIGN.md §10). Go ≤1.12's
 * sysmon scavenged itself: its heap lock is a runtime lock that goroutines never queue on.
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

    /** Flushes the caches of destroyed Ps into the heap. The scavenge thread. */
    private static void dropOrphans(Sched sched) {
        MCache c;
        while ((c = sched.orphanedCaches.poll()) != null) c.heap().dropCache(c);
    }

    /** The runtime ended: flush every P's cache (sysmon, as it exits, hands it to the scavenge thread). */
    static void dropAll(Sched sched) {
        for (P pp : sched.allp) orphan(sched, pp);
        if (!sched.orphanedCaches.isEmpty()) Worker.post(() -> dropOrphans(sched));
    }

    /**
     * sysmon's scavenge: gives back to the OS the free spans of the default heap idle for longer
     * than the limit, and flushes destroyed Ps' caches; does nothing if no one has made the heap.
     * sysmon only posts it; the scavenge thread does it. Go ≤1.12: sysmon's
     * {@code mheap_.scavenge(k, now, scavengelimit)}, every scavengelimit/2.
     */
    static void scavenge(Sched sched) {
        MHeap h = MHeap.defaultHeapIfCreated();
        if (h == null && sched.orphanedCaches.isEmpty()) return;
        long limit = sched.tunables.scavengeLimitNs();
        Worker.post(() -> {
            dropOrphans(sched);
            if (h == null) return;
            long released = h.scavenge(h.nanotime(), limit);
            sched.nscavenge++;
            sched.scavengedBytes += released;
        });
    }

    /** The heap's platform thread for sysmon's heap work: started on first use, a daemon, parked when idle. */
    private static final class Worker {
        private static final java.util.concurrent.LinkedBlockingQueue<Runnable> TASKS = new java.util.concurrent.LinkedBlockingQueue<>();

        static {
            Thread t = new Thread(Worker::run, "gort-scavenge");
            t.setDaemon(true);
            t.start();
        }

        static void post(Runnable r) {
            TASKS.add(r);
        }

        private static void run() {
            for (;;) {
                try {
                    TASKS.take().run();
                } catch (InterruptedException e) {
                    // a daemon: keep serving
                } catch (RuntimeException | Error e) {
                    System.err.println("gort: scavenge failed: " + e);
                }
            }
        }
    }

    /** Whether the default heap exists (sysmon's deep sleep then wakes for the scavenger). */
    static boolean heapInUse() {
        return MHeap.defaultHeapIfCreated() != null;
    }
}
