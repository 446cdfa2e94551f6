package dev.gort.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver: the JDK's own for every name but {@link #SLOW_HOST}, which
 * resolves to 127.0.0.1 after holding its thread {@link #SLOW_MS} ms without yielding (as a slow
 * getaddrinfo does: a native call that blocks its carrier). Installed through
 * META-INF/services; see {@link ResolveAsSyscallTest}.
 */
public final class SlowResolverProvider extends InetAddressResolverProvider {
    static final String SLOW_HOST = "slow-lookup.gort.test";
    static final long SLOW_MS = 300;

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (!SLOW_HOST.equals(host)) return builtin.lookupByName(host, policy);
                long end = System.nanoTime() + SLOW_MS * 1_000_000L;
                long x = 1;
                while (System.nanoTime() < end) x ^= x << 13; // holds the thread; no checkpoint here
                if (x == 42) System.out.print("");
                return Stream.of(InetAddress.getByAddress(SLOW_HOST, new byte[] {127, 0, 0, 1}));
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "gort-test-slow-resolver";
    }
}
