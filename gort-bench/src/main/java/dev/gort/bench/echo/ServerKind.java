package dev.gort.bench.echo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The three echo servers of {@link EchoBench}, and the command that starts each in a process of its own. */
enum ServerKind {
    GORT("gort", "gort (dev.gort.net, a goroutine per connection, GOMAXPROCS=P)"),
    JDK("jdk", "JDK 25 (ServerSocket, a virtual thread per connection, default scheduler, parallelism=P)"),
    GO("go", "Go (net, a goroutine per connection, GOMAXPROCS=P)");

    final String id, description;

    ServerKind(String id, String description) {
        this.id = id;
        this.description = description;
    }

    static ServerKind of(String id) {
        for (ServerKind k : values()) if (k.id.equals(id)) return k;
        throw new IllegalArgumentException("unknown server " + id + " (known: gort, jdk, go)");
    }

    /** The column heading. */
    String title() {
        return switch (this) {
            case GORT -> "gort";
            case JDK -> "JDK";
            case GO -> "Go";
        };
    }

    /** The command line; goBinary is the built Go server (GO only). */
    List<String> command(int procs, Path goBinary) {
        List<String> cmd = new ArrayList<>();
        if (this == GO) {
            cmd.add(goBinary.toString());
            return cmd;
        }
        cmd.addAll(EchoBench.javaCommand());
        if (this == JDK) {
            // The stock JDK at gort's parallelism; maxPoolSize is left alone (it may add carriers to compensate).
            cmd.add("-Djdk.virtualThreadScheduler.parallelism=" + procs);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(JdkEchoServer.class.getName());
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(GortEchoServer.class.getName());
            cmd.add(Integer.toString(procs));
        }
        return cmd;
    }

    /** Environment added to the server's. */
    Map<String, String> environment(int procs) {
        return this == GO ? Map.of("GOMAXPROCS", Integer.toString(procs)) : Map.of();
    }
}
