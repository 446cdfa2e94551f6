package dev.gort.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/** Test support: the class files of a jar, as the agent would see them. */
final class JarClasses {
    private JarClasses() {}

    /** One class file: its entry in the jar, the binary name of its class, its bytes. */
    record Entry(String entryName, String binaryName, byte[] bytes) {
        boolean isModuleInfo() {
            return binaryName.equals("module-info");
        }
    }

    /** The jar (or directory) a class was loaded from. */
    static Path jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every class file of the jar, the versions of a multi-release jar (META-INF/versions/N/) included. */
    static List<Entry> all(Path jar) {
        List<Entry> entries = new ArrayList<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (JarEntry e : (Iterable<JarEntry>) jf.stream()::iterator) {
                if (!e.getName().endsWith(".class") || e.isDirectory()) continue;
                entries.add(new Entry(e.getName(), binaryName(e.getName()), read(jf, e)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /**
     * For each class of the jar, the entry this JVM would load it from (for a multi-release jar,
     * the highest version not above the running one): binary name to entry name. module-info is
     * left out (it is not a class to define).
     */
    static Map<String, String> runtimeView(Path jar) {
        Map<String, String> view = new TreeMap<>();
        try (JarFile jf = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            for (JarEntry e : (Iterable<JarEntry>) jf.versionedStream()::iterator) {
                if (!e.getName().endsWith(".class") || e.getName().endsWith("module-info.class")) continue;
                view.put(binaryName(e.getName()), e.getRealName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return view;
    }

    private static String binaryName(String entryName) {
        String n = entryName.replaceFirst("^META-INF/versions/\\d+/", "");
        return n.substring(0, n.length() - ".class".length()).replace('/', '.');
    }

    private static byte[] read(JarFile jf, JarEntry e) throws IOException {
        try (InputStream in = jf.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
