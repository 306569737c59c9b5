package parley.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * This process's resources, read the way an operator would: open file descriptors from
 * {@code /proc/self/fd}, platform threads, RSS and peak RSS from {@code /proc/self/status}, and heap
 * in use after a full GC. Values are -1 where {@code /proc} is not available.
 */
record Resources(long heapAfterGc, long rss, long peakRss, int threads, int fds) {

    static Resources sample(boolean gc) {
        if (gc) {
            System.gc();
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Resources(heap, statusKb("VmRSS:") * 1024, statusKb("VmHWM:") * 1024,
                (int) statusKb("Threads:"), countFds());
    }

    private static long statusKb(String key) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith(key))
                    .map(l -> l.substring(key.length()).strip().split("\\s+")[0])
                    .mapToLong(Long::parseLong).findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int countFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the listing's own descriptor
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format("%.1fMB", bytes / (1024.0 * 1024.0));
    }
}
