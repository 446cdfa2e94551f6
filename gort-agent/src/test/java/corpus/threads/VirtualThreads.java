package corpus.threads;

import dev.gort.Gort;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every way a program makes JDK virtual threads, each case returning the goroutine id that
 * the thread it started saw: 0 as compiled (JDK virtual threads are not goroutines), above 0
 * once the agent has pointed the call site at dev.gort.Goroutines. Platform threads must stay
 * platform threads either way.
 */
public final class VirtualThreads {
    private VirtualThreads() {}

    public static long ofVirtualStart() throws InterruptedException {
        long[] id = new long[1];
        Thread t = Thread.ofVirtual().name("corpus-", 0).start(() -> id[0] = Gort.goroutineId());
        t.join();
        return id[0];
    }

    public static long ofVirtualUnstarted() throws InterruptedException {
        long[] id = new long[1];
        Thread t = Thread.ofVirtual().unstarted(() -> id[0] = Gort.goroutineId());
        t.start();
        t.join();
        return id[0];
    }

    public static long startVirtualThread() throws InterruptedException {
        long[] id = new long[1];
        Thread.startVirtualThread(() -> id[0] = Gort.goroutineId()).join();
        return id[0];
    }

    public static long newVirtualThreadPerTaskExecutor() throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            return ex.submit(Gort::goroutineId).get();
        }
    }

    public static long threadPerTaskExecutorOfVirtualFactory() throws Exception {
        try (ExecutorService ex = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory())) {
            return ex.submit(Gort::goroutineId).get();
        }
    }

    public static long methodReferenceToStartVirtualThread() throws InterruptedException {
        Function<Runnable, Thread> start = Thread::startVirtualThread;
        long[] id = new long[1];
        start.apply(() -> id[0] = Gort.goroutineId()).join();
        return id[0];
    }

    public static long methodReferenceToOfVirtual() throws InterruptedException {
        Supplier<Thread.Builder.OfVirtual> builders = Thread::ofVirtual;
        long[] id = new long[1];
        builders.get().start(() -> id[0] = Gort.goroutineId()).join();
        return id[0];
    }

    public static long methodReferenceToExecutorFactory() throws Exception {
        Supplier<ExecutorService> executors = Executors::newVirtualThreadPerTaskExecutor;
        try (ExecutorService ex = executors.get()) {
            return ex.submit(Gort::goroutineId).get();
        }
    }

    /** A serializable method reference, written out and read back before it is used. */
    @SuppressWarnings("unchecked")
    public static long serializableMethodReference() throws Exception {
        Function<Runnable, Thread> start = (Function<Runnable, Thread> & Serializable) Thread::startVirtualThread;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(start);
        }
        Function<Runnable, Thread> back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (Function<Runnable, Thread>) in.readObject();
        } catch (IOException e) {
            throw new IllegalStateException("deserialising the method reference failed: " + e, e);
        }
        long[] id = new long[1];
        back.apply(() -> id[0] = Gort.goroutineId()).join();
        return id[0];
    }

    /** Not a virtual-thread factory: must be left alone (0 before and after). */
    public static long platformThread() throws InterruptedException {
        long[] id = new long[1];
        Thread.ofPlatform().start(() -> id[0] = Gort.goroutineId()).join();
        return id[0];
    }
}
