package dev.gort.runtime;

/**
 * Why a goroutine is waiting, with Go's strings (runtime2.go waitReasonStrings) where Go has
 * the same wait, and JVM-specific reasons for blocking inside JDK code.
 */
public enum WaitReason {
    ZERO(""),
    CHAN_RECEIVE_NIL_CHAN("chan receive (nil chan)"),
    CHAN_SEND_NIL_CHAN("chan send (nil chan)"),
    SELECT("select"),
    SELECT_NO_CASES("select (no cases)"),
    CHAN_RECEIVE("chan receive"),
    CHAN_SEND("chan send"),
    SLEEP("sleep"),
    SYNC_COND_WAIT("sync.Cond.Wait"),
    SYNC_MUTEX_LOCK("sync.Mutex.Lock"),
    SYNC_RWMUTEX_RLOCK("sync.RWMutex.RLock"),
    SYNC_RWMUTEX_LOCK("sync.RWMutex.Lock"),
    SYNC_WAITGROUP_WAIT("sync.WaitGroup.Wait"),
    IO_WAIT("IO wait"),
    FORCE_GC_IDLE("force gc (idle)"),
    GC_SCAVENGE_WAIT("GC scavenge wait"),
    PREEMPTED("preempted"),
    /** Waiting inside JDK code (LockSupport.park, a monitor, Object.wait, Thread.sleep, JDK I/O). */
    JAVA_BLOCKED("java blocked"),
    /** The goroutine that called {@code Gort.run} waits for its main goroutine. */
    RUN_MAIN("run main");

    private final String text;

    WaitReason(String text) {
        this.text = text;
    }

    /** Go's text for this reason. */
    @Override
    public String toString() {
        return text;
    }
}
