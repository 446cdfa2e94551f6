package dev.gort.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without native access the heap says which flag is missing (a child JVM started without it). */
class NativeAccessTest {
    /** The child: uses the heap and prints what it got. */
    public static final class Child {
        public static void main(String[] args) {
            try {
                Heap.defaultHeap().allocate(10).free();
                System.out.println("ALLOCATED");
            } catch (IllegalStateException e) {
                System.out.println("ERROR " + e.getMessage());
            }
        }
    }

    @Test
    void missingNativeAccessIsAClearError() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Child.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("ERROR") && out.contains("--enable-native-access=ALL-UNNAMED"), out);
    }
}
