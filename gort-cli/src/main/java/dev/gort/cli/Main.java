package dev.gort.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** The gort command. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            gort: Go's G-M-P scheduler and sysmon on JDK 25

            usage: gort <command> [arguments]

            commands:
              tour [scenario...]   watch the scheduler at work (all scenarios, or the ones named)
              tour --list          list the scenarios
              run [options] -cp CP MAIN [args] | -jar APP.jar [args]
                                   run a Java program on gort, with the agent (gort help run)
              test                 build and run every test (handled by the ./gort launcher)
              bench [jmh args]     JMH benchmarks, gort beside JDK virtual threads (./gort launcher)
              timerslack           measure how long sysmon's parkNanos sleeps really last
              version              print versions
              help                 this text
            """;

    /**
     * The agent jar: -Dgort.agent.jar (the ./gort launcher sets it), else gort-agent/target
     * beside this jar's module in a source tree.
     */
    static java.nio.file.Path agentJar() {
        String p = System.getProperty("gort.agent.jar");
        if (p != null && !p.isBlank()) return java.nio.file.Path.of(p);
        try {
            java.nio.file.Path self = java.nio.file.Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // gort-cli/target/gort-cli.jar -> gort-agent/target/gort-agent.jar
            return self.getParent().getParent().getParent().resolve("gort-agent/target/gort-agent.jar");
        } catch (Exception e) {
            return java.nio.file.Path.of("gort-agent/target/gort-agent.jar");
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        try {
            switch (cmd) {
                case "help", "-h", "--help" -> {
                    if (rest.length > 0 && rest[0].equals("run")) {
                        out.print(dev.gort.agent.GortRun.USAGE);
                        return 0;
                    }
                    out.print(USAGE);
                    return 0;
                }
                case "run" -> {
                    return dev.gort.agent.GortRun.run(rest, agentJar(), err);
                }
                case "version" -> {
                    out.println("gort 0.1.0 on " + System.getProperty("java.vm.name") + " " + Runtime.version());
                    return 0;
                }
                case "timerslack" -> {
                    return TimerSlack.run(out);
                }
                case "tour" -> {
                    return new Tour(out).run(rest);
                }
                default -> {
                    err.println("gort: unknown command \"" + cmd + "\"");
                    err.print(USAGE);
                    return 2;
                }
            }
        } catch (UnsupportedOperationException e) {
            err.println(e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("gort: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }
}
