package dev.gort.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test support: the class files of one package of the test class path, read as bytes. */
final class ClassBytes {
    private ClassBytes() {}

    /**
     * Every class file directly in the package (not its subpackages), by binary name, in name
     * order. The package must be a directory on the class path (test-classes).
     */
    static Map<String, byte[]> ofPackage(String packageName) {
        String dir = packageName.replace('.', '/');
        URL url = ClassBytes.class.getClassLoader().getResource(dir);
        if (url == null || !url.getProtocol().equals("file")) {
            throw new IllegalStateException("package " + packageName + " is not a directory on the class path: " + url);
        }
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class")) continue;
                classes.put(packageName + "." + file.substring(0, file.length() - ".class".length()), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (classes.isEmpty()) throw new IllegalStateException("no class files in package " + packageName);
        return classes;
    }

    /** The internal name (slashes) of a binary name (dots). */
    static String internalName(String binaryName) {
        return binaryName.replace('.', '/');
    }
}
