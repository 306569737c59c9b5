package parley.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A process's resident set and open descriptors, read as an operator would, from {@code /proc/PID}. */
final class Proc {
    private Proc() {}

    /** VmRSS in bytes, or -1 when the process is gone or unknown. */
    static long rss(long pid) {
        if (pid <= 0) return -1;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Open descriptors, or -1 when unknown. */
    static long descriptors(long pid) {
        if (pid <= 0) return -1;
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Bytes as whole MB (10^6), the unit of the report. */
    static String mb(long bytes) {
        return bytes < 0 ? "?" : Long.toString(Math.round(bytes / 1e6));
    }
}
