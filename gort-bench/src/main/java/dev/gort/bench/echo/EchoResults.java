package dev.gort.bench.echo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-round results of every (cell, server), the errors, and the run's circumstances. */
final class EchoResults {
    record Key(EchoBench.Cell cell, ServerKind server) {}

    final List<EchoBench.Cell> cells;
    final List<ServerKind> servers;
    /** Servers that were asked for but could not run (Go without go), with the reason. */
    final Map<ServerKind, String> skipped = new EnumMap<>(ServerKind.class);
    private final Map<Key, List<Map<String, Double>>> rounds = new LinkedHashMap<>();
    private final Map<Key, List<String>> errors = new LinkedHashMap<>();
    String loadBefore, loadAfter;
    long millis;

    EchoResults(List<EchoBench.Cell> cells, List<ServerKind> servers) {
        this.cells = cells;
        this.servers = servers;
        for (EchoBench.Cell c : cells) {
            for (ServerKind k : servers) {
                rounds.put(new Key(c, k), new ArrayList<>());
                errors.put(new Key(c, k), new ArrayList<>());
            }
        }
    }

    void add(EchoBench.Cell cell, ServerKind k, int round, Trial.Outcome o) {
        if (o.error() != null) errors.get(new Key(cell, k)).add("round " + round + ": " + o.error());
        else rounds.get(new Key(cell, k)).add(o.result());
    }

    /** The figure of every successful round, in round order. */
    List<Double> values(EchoBench.Cell cell, ServerKind k, String key) {
        List<Double> l = new ArrayList<>();
        for (Map<String, Double> m : rounds.get(new Key(cell, k))) l.add(m.getOrDefault(key, Double.NaN));
        return l;
    }

    /** Median over the successful rounds (the mean of the middle two for an even count); NaN if none. */
    double median(EchoBench.Cell cell, ServerKind k, String key) {
        List<Double> v = new ArrayList<>();
        for (Double d : values(cell, k, key)) if (!d.isNaN()) v.add(d);
        if (v.isEmpty()) return Double.NaN;
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    int ok(EchoBench.Cell cell, ServerKind k) {
        return rounds.get(new Key(cell, k)).size();
    }

    List<String> errors(EchoBench.Cell cell, ServerKind k) {
        return errors.get(new Key(cell, k));
    }
}
