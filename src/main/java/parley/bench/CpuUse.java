package parley.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU used during the measured window: the bench's own process (the JVM's account of it) and,
 * given its process id, the server's ({@code /proc/PID/stat}), so that a reader can tell what the
 * server spent per delivery from what the harness spent receiving it over each transport.
 *
 * @param benchSeconds  the bench process's CPU time over the window
 * @param serverSeconds the server's, or -1 without {@code --server-pid} (or if it could not be read)
 * @param windowSeconds the window's length
 */
record CpuUse(double benchSeconds, double serverSeconds, double windowSeconds) {
    static final CpuUse NONE = new CpuUse(-1, -1, 0);

    /** One reading of both processes' CPU time, in nanoseconds (-1 where unknown). */
    record Sample(long at, long benchNanos, long serverNanos) {
        static Sample take(long serverPid) {
            return new Sample(BenchClock.now(), ownCpuNanos(), ProcStatus.cpuNanos(serverPid));
        }

        CpuUse until(Sample end) {
            double server = serverNanos < 0 || end.serverNanos < 0 ? -1 : (end.serverNanos - serverNanos) / 1e9;
            double bench = benchNanos < 0 || end.benchNanos < 0 ? -1 : (end.benchNanos - benchNanos) / 1e9;
            return new CpuUse(bench, server, (end.at - at) / 1e9);
        }
    }

    static long ownCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Cores used on average over the window, or -1. */
    double benchCores() {
        return cores(benchSeconds);
    }

    double serverCores() {
        return cores(serverSeconds);
    }

    /** Microseconds of CPU per delivery, or -1. */
    static double perDelivery(double seconds, long deliveries) {
        return seconds < 0 || deliveries <= 0 ? -1 : seconds * 1e6 / deliveries;
    }

    private double cores(double seconds) {
        return seconds < 0 || windowSeconds <= 0 ? -1 : seconds / windowSeconds;
    }
}
