package parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads another process's resident memory from {@code /proc/PID/status} (Linux). */
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
}
