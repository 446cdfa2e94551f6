package dev.gort.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/**
 * {@code gort run}: starts a JDK 25 JVM for a program that may never have heard of gort, with
 * the flags gort needs and the agent, and runs the program's main as gort's main goroutine
 * ({@link GortMain}). stdin, stdout and stderr are the caller's; the exit status is the
 * program's (2 with Go's panic report if main throws).
 */
public final class GortRun {
    private GortRun() {}

    public static final String USAGE = """
            usage: gort run [options] -cp CLASSPATH MAINCLASS [args...]
                   gort run [options] -jar APP.jar [args...]

            Runs a Java program on gort: its main method is the main goroutine, and the gort
            agent (loaded unless --no-agent) puts checkpoints at the loop back-edges of its
            classes and turns its Thread.ofVirtual(), Thread.startVirtualThread(..) and
            Executors.newVirtualThreadPerTaskExecutor() calls into goroutines, so sysmon can
            preempt its CPU-bound loops and hand off its blocked threads. No line of the program
            changes.

            options:
              --gomaxprocs N      number of Ps (default: the number of CPUs; GOMAXPROCS)
              --gortdebug S       GORTDEBUG settings, e.g. schedtrace=1000,scheddetail=1
              --include GLOB      transform only matching classes (repeatable; default: every
                                  class on the class path). GLOB: com.acme.** (the package and
                                  below), com.acme.* (the package only)
              --exclude GLOB      never transform matching classes (repeatable)
              --entries           a checkpoint at every method entry as well
              --no-agent          no agent: main is the main goroutine, nothing is transformed
              --agent-verbose     the agent names each class it transforms, and prints totals
              -J OPTION           pass OPTION to the JVM (repeatable), e.g. -J -Xmx2g
              -JOPTION            the same, in one word: -J-Xmx2g

            The JVM always gets --add-opens java.base/java.lang=ALL-UNNAMED and
            --enable-native-access=ALL-UNNAMED. Exit status: the program's; 2 if main throws
            (after Go's panic report); 1 if the JVM cannot start the program.
            """;

    /** A parsed command line: what to start. */
    record Plan(List<String> command, Map<String, String> env) {}

    /** Parses args (everything after "run"); throws IllegalArgumentException on bad usage. */
    static Plan plan(String[] args, Path javaBin, Path agentJar) throws IOException {
        List<String> jvm = new ArrayList<>();
        List<String> agentOpts = new ArrayList<>();
        Map<String, String> env = new java.util.LinkedHashMap<>();
        boolean agent = true;
        String classPath = null, mainClass = null, jar = null;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--gomaxprocs" -> {
                    String v = value(args, ++i, a);
                    int n;
                    try {
                        n = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--gomaxprocs must be a positive integer, got \"" + v + "\"");
                    }
                    if (n < 1) throw new IllegalArgumentException("--gomaxprocs must be a positive integer, got " + n);
                    env.put("GOMAXPROCS", String.valueOf(n));
                }
                case "--gortdebug" -> env.put("GORTDEBUG", value(args, ++i, a));
                case "--include" -> agentOpts.add("include=" + glob(value(args, ++i, a), a));
                case "--exclude" -> agentOpts.add("exclude=" + glob(value(args, ++i, a), a));
                case "--entries" -> agentOpts.add("entries=true");
                case "--agent-verbose" -> agentOpts.add("verbose=true");
                case "--no-agent" -> agent = false;
                case "-J" -> jvm.add(value(args, ++i, a));
                case "-cp", "-classpath", "--class-path" -> classPath = value(args, ++i, a);
                case "-jar" -> jar = value(args, ++i, a);
                default -> {
                    if (a.startsWith("-J") && a.length() > 2) {
                        jvm.add(a.substring(2));
                    } else if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    } else {
                        mainClass = a;
                    }
                }
            }
            if (jar != null || mainClass != null) {
                i++;
                break;
            }
        }
        if (jar != null) {
            if (classPath != null) throw new IllegalArgumentException("give -jar or -cp, not both");
            Path p = Path.of(jar);
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such jar: " + jar);
            try (JarFile jf = new JarFile(p.toFile())) {
                var mf = jf.getManifest();
                mainClass = mf == null ? null : mf.getMainAttributes().getValue("Main-Class");
            }
            if (mainClass == null || mainClass.isBlank()) {
                throw new IllegalArgumentException("no Main-Class in the manifest of " + jar);
            }
            classPath = jar;
        } else if (mainClass == null) {
            throw new IllegalArgumentException("missing MAINCLASS (or -jar APP.jar)");
        }
        if (classPath == null) classPath = ".";
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("the gort agent jar is missing: " + agentJar
                    + " (build it: mvn -DskipTests package, or let ./gort build it)");
        }

        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin.toString());
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvm);
        if (agent) cmd.add("-javaagent:" + agentJar + (agentOpts.isEmpty() ? "" : "=" + String.join(",", agentOpts)));
        cmd.add("-cp");
        cmd.add(classPath + java.io.File.pathSeparator + agentJar);
        cmd.add(GortMain.class.getName());
        cmd.add(mainClass.strip());
        for (; i < args.length; i++) cmd.add(args[i]);
        return new Plan(cmd, env);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static String glob(String g, String option) {
        AgentOptions.glob(option + " " + g, g); // validate here, with the option's name
        if (g.contains(",")) throw new IllegalArgumentException(option + ": one pattern per option, got \"" + g + "\"");
        return g;
    }

    /** The process gort run starts for args (its streams not yet redirected). */
    public static ProcessBuilder processBuilder(String[] args, Path agentJar) throws IOException {
        return processBuilder(plan(args, Path.of(System.getProperty("java.home"), "bin", "java"), agentJar));
    }

    private static ProcessBuilder processBuilder(Plan plan) {
        ProcessBuilder pb = new ProcessBuilder(plan.command());
        pb.environment().putAll(plan.env());
        return pb;
    }

    /**
     * Runs {@code gort run ARGS}: starts the program and waits for it. Returns its exit status
     * (2 for a usage error, after a message on err).
     */
    public static int run(String[] args, Path agentJar, PrintStream err) throws IOException, InterruptedException {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            err.print(USAGE);
            return 2;
        }
        Plan plan;
        try {
            plan = plan(args, Path.of(System.getProperty("java.home"), "bin", "java"), agentJar);
        } catch (IllegalArgumentException e) {
            err.println("gort run: " + e.getMessage());
            err.println("(gort help run for the options)");
            return 2;
        }
        Process p = processBuilder(plan).inheritIO().start();
        // The child shares the terminal: Ctrl-C reaches it directly. If we are killed, take it along.
        Thread reaper = new Thread(p::destroy, "gort-run-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        int status = p.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // shutting down already
        }
        return status;
    }
}
