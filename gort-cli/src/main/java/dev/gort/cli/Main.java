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
              test                 build and run every test (handled by the ./gort launcher)
              bench [jmh args]     JMH benchmarks, gort beside JDK virtual threads (./gort launcher)
              timerslack           measure how long sysmon's parkNanos sleeps really last
              version              print versions
              help                 this text
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        try {
            switch (cmd) {
                case "help", "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
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
