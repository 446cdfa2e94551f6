package dev.gort.bench.echo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Go echo server ({@code gort-bench/go/echo}) with {@code go build} into a temporary
 * directory, if {@code go} is on PATH. The source is found under {@code -Dgort.bench.root}
 * (the launcher sets it), else under the working directory.
 */
final class GoBuild {
    private GoBuild() {}

    /** The built binary, or why there is none. */
    record Result(Path binary, String version, String skipped) {}

    static Result build() {
        Path go = onPath("go");
        if (go == null) return new Result(null, null, "'go' is not on PATH");
        Path src = Path.of(System.getProperty("gort.bench.root", "."), "gort-bench", "go", "echo").toAbsolutePath().normalize();
        if (!Files.isRegularFile(src.resolve("main.go"))) return new Result(null, null, "no Go source at " + src);
        try {
            String version = run(src, go.toString(), "version").trim();
            Path dir = Files.createTempDirectory("gort-echo-");
            Path out = dir.resolve("echo");
            dir.toFile().deleteOnExit(); // deleted in reverse order: the binary first, then its directory
            out.toFile().deleteOnExit();
            String log = run(src, go.toString(), "build", "-o", out.toString(), ".");
            if (!Files.isExecutable(out)) return new Result(null, version, "go build failed: " + log.trim().replace('\n', ' '));
            return new Result(out, version, null);
        } catch (IOException | InterruptedException e) {
            return new Result(null, null, "go build failed: " + e);
        }
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
        }
        return null;
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return s + " (timed out)";
        }
        return s;
    }
}
