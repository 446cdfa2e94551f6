package dev.gort.bench.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the packaged gort agent ({@code gort-agent.jar}) for benchmarks that start JVMs with
 * {@code -javaagent}: the system property {@value #PROPERTY} if set (it must name an existing
 * file), else {@code gort-agent/target/gort-agent.jar} in the first directory, going up from the
 * bench jar (or classes directory) and then from the working directory, that has one. So
 * {@code java -cp gort-bench/target/gort-bench.jar ...} finds it from any working directory.
 */
public final class AgentJar {
    private AgentJar() {}

    public static final String PROPERTY = "gort.agent.jar";
    static final String RELATIVE = "gort-agent/target/gort-agent.jar";

    /** The agent jar's absolute path; IllegalStateException naming the places looked at if none. */
    public static Path locate() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + given + ": no such file");
            }
            return p;
        }
        List<Path> looked = new ArrayList<>();
        for (Path start : starts()) {
            for (Path d = start; d != null; d = d.getParent()) {
                Path p = d.resolve(RELATIVE);
                looked.add(p);
                if (Files.isRegularFile(p)) return p;
            }
        }
        throw new IllegalStateException("gort-agent.jar not found (looked at " + looked + "). Build it from the repository root "
                + "with `mvn -B -DskipTests package`, or name it with -D" + PROPERTY + "=PATH");
    }

    private static Set<Path> starts() {
        Set<Path> s = new LinkedHashSet<>();
        try {
            var src = AgentJar.class.getProtectionDomain().getCodeSource();
            if (src != null) s.add(Path.of(src.getLocation().toURI()).toAbsolutePath().normalize());
        } catch (Exception e) {
            // no code source (unusual class loader): the working directory remains
        }
        s.add(Path.of("").toAbsolutePath());
        return s;
    }
}
