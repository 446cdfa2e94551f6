package dev.gort.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The JVM calls the agent from every thread that defines a class, at the same time: one
 * Instrumenter, used by several threads at once over the same loader (so over one cached class
 * hierarchy), must give every class exactly the bytes it gives when used by one thread.
 * (With the JDK's {@code ClassHierarchyResolver.cached()}, a HashMap, this failed with
 * ConcurrentModificationException and left classes unchanged.)
 */
@Timeout(120)
class ConcurrentTransformTest {
    private static final int THREADS = 4;

    @Test
    void parallelTransformsOfTheSameLibraryGiveTheSingleThreadedBytes() throws Exception {
        List<Path> jars = List.of(JarClasses.jarOf(ObjectMapper.class), JarClasses.jarOf(JsonFactory.class), JarClasses.jarOf(JsonProperty.class));
        List<JarClasses.Entry> entries = new ArrayList<>();
        for (Path jar : jars) entries.addAll(JarClasses.all(jar));
        URL[] urls = jars.stream().map(p -> {
            try {
                return p.toUri().toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(URL[]::new);

        Map<String, byte[]> reference = new HashMap<>();
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Instrumenter one = new Instrumenter(AgentOptions.DEFAULTS, new AgentStats());
            for (JarClasses.Entry e : entries) {
                Instrumenter.Result r = one.instrument(ClassBytes.internalName(e.binaryName()), loader, e.bytes());
                assertNull(r.failure(), e.entryName());
                reference.put(e.entryName(), r.bytes());
            }
        }

        AgentStats stats = new AgentStats();
        Map<String, String> wrong = new ConcurrentHashMap<>();
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
             ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            Instrumenter shared = new Instrumenter(AgentOptions.DEFAULTS, stats);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<JarClasses.Entry> order = new ArrayList<>(entries);
                Collections.shuffle(order, new Random(t));
                done.add(pool.submit(() -> {
                    go.await();
                    for (JarClasses.Entry e : order) {
                        Instrumenter.Result r = shared.instrument(ClassBytes.internalName(e.binaryName()), loader, e.bytes());
                        if (r.failure() != null) {
                            wrong.put(e.entryName(), r.failure());
                        } else if (!Arrays.equals(reference.get(e.entryName()), r.bytes())) {
                            wrong.put(e.entryName(), "bytes differ from the single-threaded transformation");
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) f.get();
        }
        assertEquals(Map.of(), wrong);
        assertEquals(0, stats.classesFailed());
        assertEquals(THREADS * reference.values().stream().filter(b -> b != null).count(), stats.classesTransformed());
    }
}
