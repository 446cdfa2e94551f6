/**
 * gort's off-heap buffer heap: {@link dev.gort.mem.Heap} allocates {@link dev.gort.mem.Buffer}s
 * (a {@code MemorySegment} and a {@code ByteBuffer} view) from spans of pages modelled on Go's
 * mheap, gives idle memory back to the OS, and reports {@link dev.gort.mem.MemStats} with Go's
 * names. The internals are in {@code dev.gort.runtime.mem} (not exported).
 */
package dev.gort.mem;
