package dev.gort.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The agent's options, from the {@code -javaagent:gort-agent.jar=OPTIONS} string: comma-separated
 * {@code key=value} pairs, keys repeatable where they take patterns.
 *
 * <pre>
 *   include=GLOB     transform matching classes (repeatable); without any, every class defined by
 *                    the application class loader (the class path) is transformed
 *   exclude=GLOB     never transform matching classes (repeatable; wins over include)
 *   entries=BOOL     also put a checkpoint at every method entry (default false)
 *   threads=BOOL     rewrite virtual-thread call sites to make goroutines (default true)
 *   verify=BOOL      verify each transformed class, keep the original on any error (default true)
 *   verbose=BOOL     name every transformed class on stderr, and print totals at exit (default false)
 * </pre>
 *
 * A GLOB matches binary class names: {@code *} is any run of characters but {@code .},
 * {@code **} any run at all, so {@code com.acme.**} is everything under com.acme and
 * {@code com.acme.*} only its top package. A bad option is an {@link IllegalArgumentException}
 * naming it (the JVM then refuses to start, with that message).
 */
public record AgentOptions(List<Pattern> includes, List<Pattern> excludes, boolean entries,
                           boolean threads, boolean verify, boolean verbose) {

    public static final AgentOptions DEFAULTS = new AgentOptions(List.of(), List.of(), false, true, true, false);

    public AgentOptions {
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }

    /** Parses an agent argument string; null or blank gives the defaults. */
    public static AgentOptions parse(String args) {
        if (args == null || args.isBlank()) return DEFAULTS;
        List<Pattern> in = new ArrayList<>(), ex = new ArrayList<>();
        boolean entries = DEFAULTS.entries, threads = DEFAULTS.threads, verify = DEFAULTS.verify,
                verbose = DEFAULTS.verbose;
        for (String part : args.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq <= 0) throw bad(p, "expected key=value");
            String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            switch (key) {
                case "include" -> in.add(glob(p, value));
                case "exclude" -> ex.add(glob(p, value));
                case "entries" -> entries = bool(p, value);
                case "threads" -> threads = bool(p, value);
                case "verify" -> verify = bool(p, value);
                case "verbose" -> verbose = bool(p, value);
                default -> throw bad(p, "unknown key (known: include, exclude, entries, threads, verify, verbose)");
            }
        }
        return new AgentOptions(in, ex, entries, threads, verify, verbose);
    }

    private static boolean bool(String option, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw bad(option, "expected true or false");
        };
    }

    /** A glob over binary class names as a regular expression. */
    static Pattern glob(String option, String g) {
        if (g.isEmpty()) throw bad(option, "empty pattern");
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*') {
                if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^.]*");
                }
            } else if (Character.isJavaIdentifierPart(c) || c == '.' || c == '/') {
                re.append(c == '/' ? '.' : c == '$' ? "\\$" : c == '.' ? "\\." : String.valueOf(c));
            } else {
                throw bad(option, "unexpected character '" + c + "' in a class-name pattern");
            }
        }
        return Pattern.compile(re.toString());
    }

    private static IllegalArgumentException bad(String option, String why) {
        return new IllegalArgumentException("gort-agent: bad option \"" + option + "\": " + why);
    }
}
