package parley.budget;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default of {@code --max-memory}: a quarter of the memory the server may use (the machine's,
 * or the container's limit when that is less), at most 1 GiB and at least 64 MiB, in whole MiB.
 * A quarter is what the JVM itself would take as its heap, so a small container keeps room for
 * the rest of the process (thread stacks, the JIT, direct buffers, SQLite's cache) and the page
 * cache; 1 GiB is far more than the server's own state needs, so a large machine does not hand a
 * shared server gigabytes it would never use; below 64 MiB the budgets would refuse ordinary
 * traffic (one 1 MiB line needs room), so a tiny container gets that and should set less load.
 *
 * <p>The launcher ({@code ./parley}, {@code default_max_memory}) computes the same from the same
 * files to give the JVM its {@code -Xmx}; a test runs both on the same inputs, so they cannot drift.
 */
public final class MaxMemory {
    /** The most the default is: 1 GiB. */
    public static final long CEILING = 1L << 30;
    /** The least {@code --max-memory} may be, and so the least the default is: 64 MiB. */
    public static final long FLOOR = 64L << 20;
    /** The rule, as {@code --help} and the docs' settings table state it. */
    public static final String RULE = "a quarter of the machine's memory or of the container's limit, "
            + "whichever is less, at most 1g and at least 64m";

    static final Path MEMINFO = Path.of("/proc/meminfo");
    static final Path CGROUP_V2_MAX = Path.of("/sys/fs/cgroup/memory.max");
    static final Path CGROUP_V1_LIMIT = Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes");

    private MaxMemory() {}

    /** The default on this machine, read from /proc and the cgroup files (the JVM's figure where /proc has none). */
    public static long forThisMachine() {
        long machine = memTotal(read(MEMINFO));
        if (machine <= 0) machine = jvmTotalMemory();
        return of(machine, read(CGROUP_V2_MAX), read(CGROUP_V1_LIMIT));
    }

    /**
     * The default given the machine's memory ({@code <= 0} if unknown) and the contents of the
     * cgroup v2 {@code memory.max} and v1 {@code memory.limit_in_bytes} files (null where absent;
     * {@code max}, or v1's huge "no limit" number, impose nothing).
     */
    public static long of(long machineBytes, String cgroupV2Max, String cgroupV1Limit) {
        long limit = machineBytes > 0 ? machineBytes : Long.MAX_VALUE;
        limit = Math.min(limit, cgroupLimit(cgroupV2Max));
        limit = Math.min(limit, cgroupLimit(cgroupV1Limit));
        // Whole MiB, so the launcher's -Xmx<N>m and the start-up log's value are the same number.
        long quarterMib = limit / 4 >> 20;
        return Math.clamp(quarterMib << 20, FLOOR, CEILING);
    }

    /** A cgroup limit file's bytes, or Long.MAX_VALUE for none: absent, {@code max}, or not a plain number. */
    static long cgroupLimit(String text) {
        if (text == null) return Long.MAX_VALUE;
        String s = text.strip();
        // The launcher's bash arithmetic reads at most 18 digits; a limit that large is no limit anyway.
        if (!s.matches("[0-9]{1,18}")) return Long.MAX_VALUE;
        long v = Long.parseLong(s);
        return v > 0 ? v : Long.MAX_VALUE;
    }

    /** MemTotal from /proc/meminfo's text, in bytes; -1 if it is not there. */
    static long memTotal(String meminfo) {
        if (meminfo == null) return -1;
        for (String line : meminfo.split("\n")) {
            var m = java.util.regex.Pattern.compile("MemTotal:\\s*([0-9]{1,15}) kB\\s*").matcher(line);
            if (m.matches()) return Long.parseLong(m.group(1)) * 1024;
        }
        return -1;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) { // absent (not Linux, no cgroup), or unreadable
            return null;
        }
    }

    private static long jvmTotalMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
    }
}
