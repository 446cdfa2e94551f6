package workload;

import org.apache.commons.lang3.ArrayUtils;
import org.apache.commons.lang3.RandomStringUtils;
import org.apache.commons.lang3.StringUtils;
import org.apache.commons.lang3.builder.CompareToBuilder;
import org.apache.commons.lang3.builder.EqualsBuilder;
import org.apache.commons.lang3.builder.HashCodeBuilder;
import org.apache.commons.lang3.builder.ToStringBuilder;
import org.apache.commons.lang3.builder.ToStringStyle;
import org.apache.commons.lang3.math.Fraction;
import org.apache.commons.lang3.text.WordUtils;
import org.apache.commons.lang3.time.DurationFormatUtils;

import java.util.Arrays;
import java.util.Random;

/** Apache Commons Lang: StringUtils, WordUtils, RandomStringUtils from a seeded Random, the builders. */
final class CommonsLangWork {
    private CommonsLangWork() {}

    @SuppressWarnings("deprecation") // WordUtils and the Levenshtein distance moved to commons-text, still in lang3
    static String run(int rounds) {
        StringBuilder out = new StringBuilder("== commons-lang\n");
        String text = LibraryWorkload.TEXT.replace('\n', ' ');
        out.append("abbreviate ").append(StringUtils.abbreviate(text, 40)).append('\n');
        out.append("center ").append(StringUtils.center("gort", 16, '*')).append(' ').append(StringUtils.leftPad("42", 8, '0')).append('\n');
        out.append("camel ").append(Arrays.toString(StringUtils.splitByCharacterTypeCamelCase("goroutineIDsAndGOMAXPROCS2x"))).append('\n');
        out.append("difference ").append(StringUtils.difference("the best of times", "the worst of times")).append('\n');
        int distance = 0;
        String[] words = StringUtils.split(text, " ,;.");
        for (int r = 0; r < rounds; r++) {
            for (int i = 1; i < words.length; i++) distance += StringUtils.getLevenshteinDistance(words[i - 1], words[i]);
        }
        out.append("levenshtein ").append(distance).append(" countMatches ").append(StringUtils.countMatches(text, "was")).append('\n');
        out.append("replaceEach ").append(StringUtils.replaceEach("best worst wisdom", new String[]{"best", "worst"}, new String[]{"good", "bad"})).append('\n');
        out.append("wrap ").append(WordUtils.wrap(text.substring(0, 120), 30, "|", true)).append('\n');
        out.append("capitalize ").append(WordUtils.capitalizeFully("it WAS the age OF wisdom")).append(' ')
                .append(WordUtils.initials("Go Runtime On The JVM")).append('\n');

        Random random = new Random(42);
        StringBuilder randoms = new StringBuilder();
        for (int r = 0; r < rounds * 100; r++) {
            String s = RandomStringUtils.random(12, 0, 0, true, true, null, random);
            if (r % (rounds * 20) == 0) randoms.append(s).append(' ');
        }
        out.append("random ").append(randoms.toString().strip()).append('\n');

        int[] numbers = new int[200];
        for (int i = 0; i < numbers.length; i++) numbers[i] = i * 37 % 101;
        int[] reversed = ArrayUtils.clone(numbers);
        ArrayUtils.reverse(reversed);
        out.append("arrays ").append(ArrayUtils.indexOf(reversed, 50)).append(' ')
                .append(ArrayUtils.toString(ArrayUtils.subarray(reversed, 0, 6))).append('\n');

        out.append("builders ")
                .append(new ToStringBuilder("order", ToStringStyle.SHORT_PREFIX_STYLE).append("id", 7).append("tags", new String[]{"a", "b"}))
                .append(' ').append(new HashCodeBuilder(17, 37).append(numbers).append("x").toHashCode())
                .append(' ').append(new EqualsBuilder().append(numbers, reversed).isEquals())
                .append(' ').append(new CompareToBuilder().append("a", "b").append(2, 1).toComparison()).append('\n');
        Fraction f = Fraction.ZERO;
        for (int i = 1; i <= 30; i++) f = f.add(Fraction.getFraction(1, i * (i + 1)));
        out.append("fraction ").append(f).append(" duration ").append(DurationFormatUtils.formatDuration(123_456_789L, "H:mm:ss.SSS")).append('\n');
        return out.toString();
    }
}
