package workload;

import com.google.common.base.CharMatcher;
import com.google.common.base.Joiner;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMultiset;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.Lists;
import com.google.common.collect.Multimaps;
import com.google.common.collect.Multisets;
import com.google.common.collect.Ordering;
import com.google.common.collect.Range;
import com.google.common.collect.RangeSet;
import com.google.common.collect.Collections2;
import com.google.common.collect.TreeBasedTable;
import com.google.common.collect.TreeRangeSet;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableGraph;
import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import com.google.common.math.BigIntegerMath;
import com.google.common.math.LongMath;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Guava's collections, hashing, graphs and maths, with results that do not depend on the run. */
final class GuavaWork {
    private GuavaWork() {}

    static String run(int rounds) {
        StringBuilder out = new StringBuilder("== guava\n");
        List<String> words = Splitter.on(CharMatcher.anyOf(" ,;.\n")).trimResults().omitEmptyStrings()
                .splitToList(LibraryWorkload.TEXT.toLowerCase());
        ImmutableListMultimap<Integer, String> byLength = Multimaps.index(words, String::length);
        out.append("multimap ").append(byLength.keySet()).append(' ').append(byLength.get(5)).append('\n');
        Ordering<String> longestFirst = Ordering.natural().reverse().onResultOf(String::length).compound(Ordering.natural());
        out.append("ordering ").append(longestFirst.sortedCopy(ImmutableSet.copyOf(words)).subList(0, 8)).append('\n');
        ImmutableMultiset<String> counts = ImmutableMultiset.copyOf(words);
        out.append("multiset ").append(Multisets.copyHighestCountFirst(counts).entrySet().asList().subList(0, 5)).append('\n');

        Hasher murmur = Hashing.murmur3_128(7).newHasher();
        long crcs = 0;
        for (int r = 0; r < rounds * 50; r++) {
            for (String w : words) murmur.putString(w, StandardCharsets.UTF_8).putInt(r);
            crcs += Hashing.crc32c().hashInt(r).padToLong();
        }
        out.append("murmur3 ").append(murmur.hash()).append(" crc32c-sum ").append(crcs).append('\n');
        out.append("sha256 ").append(Hashing.sha256().hashString(LibraryWorkload.TEXT, StandardCharsets.UTF_8)).append('\n');
        out.append("farm ").append(Hashing.farmHashFingerprint64().hashString(LibraryWorkload.TEXT, StandardCharsets.UTF_8)).append('\n');

        BloomFilter<String> bloom = BloomFilter.create(Funnels.stringFunnel(StandardCharsets.UTF_8), 20_000, 0.01);
        for (int i = 0; i < 10_000; i++) bloom.put("key-" + i);
        int falsePositives = 0;
        for (int i = 10_000; i < 10_000 + rounds * 1_000; i++) if (bloom.mightContain("key-" + i)) falsePositives++;
        out.append("bloom ").append(falsePositives).append(" false positives of ").append(rounds * 1_000).append('\n');

        TreeBasedTable<String, Integer, Integer> table = TreeBasedTable.create();
        for (String w : words) table.put(w.substring(0, 1), w.length(), table.contains(w.substring(0, 1), w.length())
                ? table.get(w.substring(0, 1), w.length()) + 1 : 1);
        out.append("table ").append(table.row("t")).append(' ').append(table.column(3)).append('\n');

        RangeSet<Integer> ranges = TreeRangeSet.create();
        for (int i = 0; i < 100; i += 7) ranges.add(Range.closedOpen(i, i + 5));
        ranges.remove(Range.closed(20, 40));
        out.append("ranges ").append(ranges).append('\n');

        MutableGraph<Integer> graph = GraphBuilder.directed().allowsSelfLoops(false).build();
        for (int i = 1; i < 30; i++) graph.putEdge(i / 2, i);
        out.append("graph reachable-from-3 ").append(Graphs.reachableNodes(graph, 3).size())
                .append(" edges ").append(graph.edges().size()).append(" cycle ").append(Graphs.hasCycle(graph)).append('\n');

        out.append("permutations ").append(Collections2.permutations(List.of(1, 2, 3, 4, 5, 6)).size())
                .append(' ').append(Lists.partition(words, 9).get(2)).append('\n');
        out.append("math ").append(LongMath.factorial(20)).append(' ').append(BigIntegerMath.factorial(300).bitLength())
                .append(' ').append(LongMath.gcd(1_234_567_890L, 9_876_543_210L)).append('\n');
        out.append("joiner ").append(Joiner.on(',').withKeyValueSeparator('=')
                .join(ImmutableSortedMap.of("b", 2, "a", 1, "c", 3))).append('\n');
        out.append("base64 ").append(BaseEncoding.base64().encode(LibraryWorkload.TEXT.substring(0, 40).getBytes(StandardCharsets.UTF_8))).append('\n');
        return out.toString();
    }
}
