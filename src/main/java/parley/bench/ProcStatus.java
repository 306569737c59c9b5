package parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads another process's resident memory and CPU time from {@code /proc/PID} (Linux). */
final class ProcStatus {
    private ProcStatus() {}

    /** VmRSS of the process in KiB, or -1 if it cannot be read. */
    static long vmRssKb(long pid) {
        if (pid <= 0) return -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Clock ticks per second in {@code /proc/PID/stat} (USER_HZ: 100 on every Linux the JDK runs on). */
    private static final long TICKS_PER_SECOND = 100;

    /** User plus system CPU time of the process in nanoseconds, or -1 if it cannot be read. */
    static long cpuNanos(long pid) {
        if (pid <= 0) return -1;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // After the command name, which is in parentheses and may hold spaces: field 3 on.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
