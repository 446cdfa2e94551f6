package dev.gort.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link SchedulerBench} at parallelism 1: gort GOMAXPROCS=1, JDK default scheduler with one carrier. */
@Fork(value = 2, jvmArgsAppend = {
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
        "-Dgort.bench.parallelism=1",
        "-Djdk.virtualThreadScheduler.parallelism=1",
        "-Djdk.virtualThreadScheduler.maxPoolSize=1"})
public class P1 extends SchedulerBench {
}
