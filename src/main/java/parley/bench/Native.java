package parley.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The Linux calls the bench makes through the FFM API: {@code prlimit(RLIMIT_NOFILE)} to raise
 * its own descriptor limit and a local server's, {@code prctl(PR_SET_TIMERSLACK)} so a
 * publisher's sleeps between sends do not each add the default 50 us of timer slack to the
 * latencies it stamps, and {@code isatty(2)} to know whether stderr is a terminal. All are best effort: on failure, or off
 * Linux, they say so and the bench carries on.
 */
final class Native {
    private static final int RLIMIT_NOFILE = 7;
    private static final long RLIM_INFINITY = -1L;
    private static final int PR_SET_TIMERSLACK = 29;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    private Native() {}

    /** Sets this process's open-files limit; the soft limit may not exceed the hard one. */
    static boolean setOpenFilesLimit(long soft, long hard) {
        return setOpenFilesLimit(0, soft, hard);
    }

    /**
     * Sets process {@code pid}'s open-files limit ({@code prlimit(2)}; 0 is this process). Raising
     * a soft limit up to the hard one needs only the same user; raising a hard limit needs
     * {@code CAP_SYS_RESOURCE}. {@link Long#MAX_VALUE} stands for unlimited.
     */
    @SuppressWarnings("restricted")
    static boolean setOpenFilesLimit(long pid, long soft, long hard) {
        if (!LINUX) return false;
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle prlimit = linker.downcallHandle(linker.defaultLookup().find("prlimit").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment rlimit = arena.allocate(16, 8);
                rlimit.set(ValueLayout.JAVA_LONG, 0, soft == Long.MAX_VALUE ? RLIM_INFINITY : soft);
                rlimit.set(ValueLayout.JAVA_LONG, 8, hard == Long.MAX_VALUE ? RLIM_INFINITY : hard);
                return (int) prlimit.invokeExact(Math.toIntExact(pid), RLIMIT_NOFILE, rlimit, MemorySegment.NULL) == 0;
            }
        } catch (Throwable t) {
            return false;
        }
    }

    /** Whether file descriptor {@code fd} is a terminal ({@code isatty}); null if that cannot be asked. */
    @SuppressWarnings("restricted")
    static Boolean isTerminal(int fd) {
        if (!LINUX) return null;
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(fd) == 1;
        } catch (Throwable t) {
            return null;
        }
    }

    private static volatile MethodHandle prctl;

    /** Lowers the calling thread's timer slack (nanoseconds). */
    @SuppressWarnings("restricted")
    static boolean setTimerSlack(long nanos) {
        if (!LINUX) return false;
        try {
            MethodHandle h = prctl;
            if (h == null) {
                Linker linker = Linker.nativeLinker();
                h = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                        Linker.Option.firstVariadicArg(1));
                prctl = h;
            }
            return (int) h.invokeExact(PR_SET_TIMERSLACK, nanos) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
