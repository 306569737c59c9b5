package parley.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The Linux calls Parley makes through the FFM API, each bound once: the socket calls behind
 * inline sends ({@link NonBlockingSend}), the epoll set of idle readers ({@link IdleReaders}), and
 * the process calls of the bench and of the server's start ({@code prlimit}, {@code prctl}, {@code isatty}). Each group is
 * bound on first use, by a holder class of its own, so a server never binds the bench's calls and
 * the bench never binds epoll.
 *
 * <p>(The store's writer sets its own thread's priority with {@code parley.store.WriterPriority}:
 * the store must not know this package.)
 *
 * <p>A call that cannot be bound (not Linux, no native access, no such symbol) is null here; its
 * users check {@code has...()} first and fall back to the JDK's way, or report that they cannot.
 */
public final class Linux {
    static final boolean IS_LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    private Linux() {}

    /** A downcall handle for libc's {@code name}, or null if it cannot be had. */
    @SuppressWarnings("restricted")
    private static MethodHandle bind(String name, FunctionDescriptor d, Linker.Option... options) {
        if (!IS_LINUX) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), d, options);
        } catch (RuntimeException | LinkageError e) {
            return null; // no native access, or no such call: the caller falls back
        }
    }

    // ------------------------------------------------------------------ sockets

    private static final class Sockets {
        // critical: no thread-state transition, and the heap array is passed in place
        static final MethodHandle SEND = bind("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), Linker.Option.critical(true));
        static final MethodHandle DUP = bind("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** True when {@link #send}, {@link #dup} and {@link #close} can be called. */
    static boolean hasSend() {
        return Sockets.SEND != null && Sockets.DUP != null && Sockets.CLOSE != null;
    }

    static boolean hasIoctl() {
        return Sockets.IOCTL != null;
    }

    /** {@code send(2)}: bytes sent, or -1. */
    static long send(int fd, MemorySegment bytes, long len, int flags) throws Throwable {
        return (long) Sockets.SEND.invokeExact(fd, bytes, len, flags);
    }

    static int dup(int fd) throws Throwable {
        return (int) Sockets.DUP.invokeExact(fd);
    }

    static int close(int fd) throws Throwable {
        return (int) Sockets.CLOSE.invokeExact(fd);
    }

    /** {@code ioctl(2)} with a pointer argument. */
    static int ioctl(int fd, long request, MemorySegment arg) throws Throwable {
        return (int) Sockets.IOCTL.invokeExact(fd, request, arg);
    }

    static long write(int fd, MemorySegment bytes, long len) throws Throwable {
        return (long) Sockets.WRITE.invokeExact(fd, bytes, len);
    }

    // ------------------------------------------------------------------ epoll

    private static final class Epoll {
        static final MethodHandle CREATE = bind("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle CTL = bind("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.critical(false));
        static final MethodHandle WAIT = bind("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    /** True when the epoll calls, {@code eventfd} and {@link #write} can be called. */
    static boolean hasEpoll() {
        return Epoll.CREATE != null && Epoll.CTL != null && Epoll.WAIT != null && Epoll.EVENTFD != null
                && Sockets.WRITE != null && Sockets.CLOSE != null;
    }

    static int epollCreate1(int flags) throws Throwable {
        return (int) Epoll.CREATE.invokeExact(flags);
    }

    static int epollCtl(int epfd, int op, int fd, MemorySegment event) throws Throwable {
        return (int) Epoll.CTL.invokeExact(epfd, op, fd, event);
    }

    static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMs) throws Throwable {
        return (int) Epoll.WAIT.invokeExact(epfd, events, maxEvents, timeoutMs);
    }

    static int eventfd(int initval, int flags) throws Throwable {
        return (int) Epoll.EVENTFD.invokeExact(initval, flags);
    }

    // ------------------------------------------------------------------ the process (the bench's)

    private static final class Process {
        static final MethodHandle PRLIMIT = bind("prlimit",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle ISATTY = bind("isatty", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle PRCTL = bind("prctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    private static final int RLIMIT_NOFILE = 7;
    private static final long RLIM_INFINITY = -1L;
    private static final int PR_SET_TIMERSLACK = 29;

    /** Sets this process's open-files limit; the soft limit may not exceed the hard one. */
    public static boolean setOpenFilesLimit(long soft, long hard) {
        return setOpenFilesLimit(0, soft, hard);
    }

    /**
     * Sets process {@code pid}'s open-files limit ({@code prlimit(2)}; 0 is this process). Raising
     * a soft limit up to the hard one needs only the same user; raising a hard limit needs
     * {@code CAP_SYS_RESOURCE}. {@link Long#MAX_VALUE} stands for unlimited. False if it failed,
     * or cannot be asked here.
     */
    public static boolean setOpenFilesLimit(long pid, long soft, long hard) {
        if (Process.PRLIMIT == null) return false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlimit = arena.allocate(16, 8);
            rlimit.set(JAVA_LONG, 0, soft == Long.MAX_VALUE ? RLIM_INFINITY : soft);
            rlimit.set(JAVA_LONG, 8, hard == Long.MAX_VALUE ? RLIM_INFINITY : hard);
            int rc = (int) Process.PRLIMIT.invokeExact(Math.toIntExact(pid), RLIMIT_NOFILE, rlimit, MemorySegment.NULL);
            return rc == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * This process's open-files limit ({@code getrlimit(RLIMIT_NOFILE)}, asked through
     * {@code prlimit(2)}): {soft, hard}, {@link Long#MAX_VALUE} standing for unlimited; null if it
     * cannot be asked here.
     */
    public static long[] openFilesLimit() {
        if (Process.PRLIMIT == null) return null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(16, 8);
            int rc = (int) Process.PRLIMIT.invokeExact(0, RLIMIT_NOFILE, MemorySegment.NULL, old);
            if (rc != 0) return null;
            long soft = old.get(JAVA_LONG, 0);
            long hard = old.get(JAVA_LONG, 8);
            return new long[] {soft == RLIM_INFINITY ? Long.MAX_VALUE : soft, hard == RLIM_INFINITY ? Long.MAX_VALUE : hard};
        } catch (Throwable t) {
            return null;
        }
    }

    /** Whether file descriptor {@code fd} is a terminal ({@code isatty}); null if that cannot be asked. */
    public static Boolean isTerminal(int fd) {
        if (Process.ISATTY == null) return null;
        try {
            return (int) Process.ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            return null;
        }
    }

    /** Lowers the calling thread's timer slack (nanoseconds, {@code prctl(PR_SET_TIMERSLACK)}); false if it cannot. */
    public static boolean setTimerSlack(long nanos) {
        if (Process.PRCTL == null) return false;
        try {
            return (int) Process.PRCTL.invokeExact(PR_SET_TIMERSLACK, nanos) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
