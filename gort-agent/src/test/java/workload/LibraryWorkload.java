package workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A deterministic workload through Guava, Jackson and Apache Commons Lang, for
 * LibrariesWorkloadIT: run once as plain Java and once with the gort agent transforming the
 * libraries (and this package, so that the virtual threads below become goroutines), it must
 * print exactly the same. Each library's part runs twice, all six at once, in virtual threads.
 *
 * <p>Usage: {@code java workload.LibraryWorkload [ROUNDS]} (default 20).
 */
public final class LibraryWorkload {
    private LibraryWorkload() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        List<Future<String>> parts = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int copy = 0; copy < 2; copy++) {
                parts.add(ex.submit(() -> GuavaWork.run(rounds)));
                parts.add(ex.submit(() -> JacksonWork.run(rounds)));
                parts.add(ex.submit(() -> CommonsLangWork.run(rounds)));
            }
            for (Future<String> part : parts) System.out.print(part.get());
        }
    }

    /** The text the parts work on. */
    static final String TEXT = """
            It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of
            foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light,
            it was the season of Darkness, it was the spring of hope, it was the winter of despair, we had
            everything before us, we had nothing before us, we were all going direct to Heaven, we were all
            going direct the other way; in short, the period was so far like the present period, that some of
            its noisiest authorities insisted on its being received, for good or for evil, in the superlative
            degree of comparison only.""";
}
