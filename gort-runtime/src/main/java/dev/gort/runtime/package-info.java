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
 *   <li>{@link dev.gort.runtime.Sysmon}: the monitor thread (sysmon, retake, preemption,
 *       hand-offs); {@link dev.gort.runtime.Checkdead}; {@link dev.gort.runtime.Trace}
 *       (schedtrace); {@link dev.gort.runtime.Syscall} (entersyscall/exitsyscall);
 *       {@link dev.gort.runtime.Tunables} (settings); {@link dev.gort.runtime.Note}.</li>
 *   <li>{@link dev.gort.runtime.HChan}, {@link dev.gort.runtime.SelectGo},
 *       {@link dev.gort.runtime.Sudog}: channels and select (chan.go, select.go).</li>
 *   <li>{@link dev.gort.runtime.AllGs}: the set of live goroutines.</li>
 * </ul>
 */
package dev.gort.runtime;
