package dev.gort.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link ChannelBench} at parallelism 2: gort GOMAXPROCS=2, JDK default scheduler with two carriers. */
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
        "-Dgort.bench.parallelism=2",
        "-Djdk.virtualThreadScheduler.parallelism=2",
        "-Djdk.virtualThreadScheduler.maxPoolSize=2"})
public class ChanP2 extends ChannelBench {
}
