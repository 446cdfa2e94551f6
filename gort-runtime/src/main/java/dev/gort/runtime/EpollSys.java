package dev.gort.runtime;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.SelectableChannel;
import java.util.Locale;

/**
 * The Linux calls behind {@link NetpollEpoll}: epoll_create1, epoll_ctl, epoll_wait, eventfd,
 * read, write and close through FFM downcalls, and the descriptor of a NIO channel.
 * Go: sys_linux (epollcreate1, epollctl, epollwait) and netpoll_epoll.go's eventfd.
 *
 * <p>The descriptor: the JDK keeps it in {@code sun.nio.ch} ({@code SocketChannelImpl.fdVal},
 * {@code ServerSocketChannelImpl.fdVal}), a package it does not export. The flag every gort JVM
 * has, {@code --add-opens java.base/java.lang=ALL-UNNAMED}, opens {@code java.lang.Module},
 * whose {@code implAddOpens} opens {@code sun.nio.ch} to gort's module only; nothing else is
 * touched. If any of it fails (not Linux, no native access, another JDK's internals), {@link
 * #UNAVAILABLE} says why and the runtime uses the Selector poller instead.
 */
@SuppressWarnings("restricted") // native access is checked before anything is linked
final class EpollSys {
    private EpollSys() {}

    static final int EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000;
    static final int EPOLLET = 1 << 31;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    private static final int EPOLL_CLOEXEC = 0x80000, EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    /** struct epoll_event: u32 events, u64 data; packed on x86_64 (12 bytes), 16 bytes elsewhere. */
    static final long EVENT_SIZE = "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch")) ? 12 : 16;
    static final long DATA_OFFSET = EVENT_SIZE == 12 ? 4 : 8;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** Why epoll cannot be used in this JVM, or null if it can. */
    static final String UNAVAILABLE;
    private static final MethodHandle CREATE, CTL, WAIT, EVENTFD, READ, WRITE, CLOSE;
    private static final Field SOCKET_FD, SERVER_FD;

    static {
        String why = null;
        MethodHandle create = null, ctl = null, wait = null, eventfd = null, read = null, write = null, close = null;
        Field socketFd = null, serverFd = null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            why = "not Linux (" + os + ")";
        } else if (!EpollSys.class.getModule().isNativeAccessEnabled()) {
            why = "native access is not enabled (--enable-native-access=ALL-UNNAMED)";
        } else {
            try {
                Linker l = Linker.nativeLinker();
                var lib = l.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                ValueLayout I = ValueLayout.JAVA_INT, J = ValueLayout.JAVA_LONG, A = ValueLayout.ADDRESS;
                create = l.downcallHandle(lib.find("epoll_create1").orElseThrow(), FunctionDescriptor.of(I, I), errno);
                ctl = l.downcallHandle(lib.find("epoll_ctl").orElseThrow(), FunctionDescriptor.of(I, I, I, I, A), errno);
                wait = l.downcallHandle(lib.find("epoll_wait").orElseThrow(), FunctionDescriptor.of(I, I, A, I, I));
                eventfd = l.downcallHandle(lib.find("eventfd").orElseThrow(), FunctionDescriptor.of(I, I, I), errno);
                read = l.downcallHandle(lib.find("read").orElseThrow(), FunctionDescriptor.of(J, I, A, J));
                write = l.downcallHandle(lib.find("write").orElseThrow(), FunctionDescriptor.of(J, I, A, J));
                close = l.downcallHandle(lib.find("close").orElseThrow(), FunctionDescriptor.of(I, I));
                Method open = Module.class.getDeclaredMethod("implAddOpens", String.class, Module.class);
                open.setAccessible(true);
                open.invoke(Object.class.getModule(), "sun.nio.ch", EpollSys.class.getModule());
                socketFd = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredField("fdVal");
                socketFd.setAccessible(true);
                serverFd = Class.forName("sun.nio.ch.ServerSocketChannelImpl").getDeclaredField("fdVal");
                serverFd.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                why = "cannot reach the JDK's socket descriptors or libc's epoll (" + e + ")";
            }
        }
        UNAVAILABLE = why;
        CREATE = create;
        CTL = ctl;
        WAIT = wait;
        EVENTFD = eventfd;
        READ = read;
        WRITE = write;
        CLOSE = close;
        SOCKET_FD = socketFd;
        SERVER_FD = serverFd;
    }

    /** The descriptor of a socket or server-socket channel of the JDK. */
    static int fdOf(SelectableChannel ch) throws IOException {
        try {
            if (SOCKET_FD.getDeclaringClass().isInstance(ch)) return SOCKET_FD.getInt(ch);
            if (SERVER_FD.getDeclaringClass().isInstance(ch)) return SERVER_FD.getInt(ch);
        } catch (IllegalAccessException e) {
            throw new IOException("gort: cannot read the descriptor of " + ch, e);
        }
        throw new IOException("gort: the epoll poller takes the JDK's socket channels only, not " + ch.getClass().getName());
    }

    static int epollCreate() throws IOException {
        return newFd("epoll_create1", st -> (int) CREATE.invokeExact(st, EPOLL_CLOEXEC));
    }

    static int eventfd() throws IOException {
        return newFd("eventfd", st -> (int) EVENTFD.invokeExact(st, 0, EFD_CLOEXEC | EFD_NONBLOCK));
    }

    /** A downcall that takes the call-state segment (for errno) and returns a descriptor or -1. */
    private interface FdCall {
        int call(MemorySegment callState) throws Throwable;
    }

    /** Makes a descriptor with call, or throws naming the call and its errno. */
    private static int newFd(String name, FdCall call) throws IOException {
        int fd, errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CALL_STATE);
            fd = call.call(st);
            errno = (int) ERRNO.get(st, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (fd < 0) throw new IOException("gort: " + name + " failed: errno " + errno);
        return fd;
    }

    /** epoll_ctl; returns 0 or the errno. */
    static int epollCtl(int epfd, int op, int fd, int events, long data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            MemorySegment ev = a.allocate(16, 8);
            ev.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
            int r = (int) CTL.invokeExact(st, epfd, op, fd, ev);
            return r == 0 ? 0 : (int) ERRNO.get(st, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** epoll_wait; -1 on an error (EINTR): the caller treats it as no events. */
    static int epollWait(int epfd, MemorySegment events, int max, int timeoutMs) {
        try {
            return (int) WAIT.invokeExact(epfd, events, max, timeoutMs);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long read(int fd, MemorySegment buf, long n) {
        try {
            return (long) READ.invokeExact(fd, buf, n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long write(int fd, MemorySegment buf, long n) {
        try {
            return (long) WRITE.invokeExact(fd, buf, n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
