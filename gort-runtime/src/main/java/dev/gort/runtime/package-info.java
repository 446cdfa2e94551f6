/**
 * gort's runtime internals, flat like Go's runtime package. Not exported.
 *
 * <ul>
 *   <li>{@link dev.gort.runtime.Proc}: the scheduler (proc.go): schedule, findrunnable,
 *       execute, ready, wakep, startm, stopm, handoffp, acquirep/releasep; the design overview.</li>
 *   <li>{@link dev.gort.runtime.Mstart}: newm → allocm → newm1 → newosproc → mstart → mstart1.</li>
 *   <li>{@link dev.gort.runtime.Procresize}: GOMAXPROCS, stop/start the world, procresize.</li>
 *   <li>{@link dev.gort.runtime.Sched}: the runtime instance (schedt, allp, allm, allgs),
 *       global run queue, idle P and M lists, lifecycle.</li>
 *   <li>{@link dev.gort.runtime.G}, {@link dev.gort.runtime.M}, {@link dev.gort.runtime.P}:
 *       the structs and their states (runtime2.go).</li>
 *   <li>{@link dev.gort.runtime.RunQueue}: a P's lock-free local run queue and runnext.</li>
 *   <li>{@link dev.gort.runtime.JdkHooks}: every use of the JDK's virtual-thread scheduler hook.</li>
 *   <li>{@link dev.gort.runtime.Panic}: the panic report.</li>
 * </ul>
 */
package dev.gort.runtime;
