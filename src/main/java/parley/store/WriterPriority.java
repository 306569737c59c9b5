package parley.store;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import parley.log.Log;

/**
 * The writer thread's scheduling priority: its Linux nice value, set from the thread itself with
 * {@code setpriority(PRIO_PROCESS, gettid(), nice)} (on Linux a nice value belongs to a thread).
 *
 * <p>Why: on a machine whose cores are all busy delivering, the writer's CPU came out of live
 * delivery's, and scenario b's maximum rate with the store was 4,500 posts/s against 6,750-10,125
 * in memory. At nice 10 the kernel gives the delivery threads the cores first; the writer runs in
 * what is left, and its batches grow while it waits, which makes each post cheaper to write (more
 * posts per WAL page). The queue stays bounded: when the writer falls that far behind, posters
 * wait, as before. Same-session runs: 6,750-10,125 posts/s with nice 10 (docs/store.md).
 *
 * <p>A thread is born with its maker's nice value, so the writer's thread must make none: it tells
 * no acks (the acks' thread does, {@link Writer}). One way remains: waking a poster that waits for
 * room in the queue hands a virtual thread to the scheduler, whose pool may make a carrier then;
 * a poster waits only when the writer is behind, on a busy server whose carriers are already made
 * (they are kept while busy), so this is left.
 *
 * <p>This is the store's only native call; {@code parley.net.Linux} binds the others, but the
 * store must not know the transports' package. Without Linux or native access it does nothing.
 */
final class WriterPriority {
    private WriterPriority() {}

    private static final class Calls {
        static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle SETPRIORITY = bind("setpriority",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final int PRIO_PROCESS = 0;
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(String name, FunctionDescriptor d) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), d);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Gives the calling thread the nice value {@code nice} (0 leaves it as it is); true if it was
     * set. A failure is logged once and the thread runs on at its priority.
     */
    static boolean apply(int nice) {
        if (nice == 0) return false;
        if (Calls.GETTID == null || Calls.SETPRIORITY == null) {
            Log.info("store.writer_priority_unavailable", "nice", nice);
            return false;
        }
        try {
            int tid = (int) Calls.GETTID.invokeExact();
            int r = (int) Calls.SETPRIORITY.invokeExact(Calls.PRIO_PROCESS, tid, nice);
            if (r != 0) Log.warn("store.writer_priority_failed", "nice", nice);
            return r == 0;
        } catch (Throwable t) {
            Log.warn("store.writer_priority_failed", "nice", nice, "error", String.valueOf(t));
            return false;
        }
    }

    /** The calling thread's nice value as the kernel reports it (field 19 of /proc/thread-self/stat), or null. */
    static Integer current() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
