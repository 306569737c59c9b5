package parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bench's own open-files limit. Each connection is a file descriptor, so 100,000 connections
 * need a limit above 100,000 in the bench and in the server.
 *
 * <p>On Linux the JVM already raises its soft limit to the hard limit at start-up
 * ({@code -XX:+MaxFDLimit}, on by default): started under {@code ulimit -Sn 1024} with a hard
 * limit of 20000, {@code /proc/self/limits} of the JVM shows 20000 20000. So normally the soft
 * limit is already as high as it can go; {@link #ensure} raises it itself (setrlimit via FFM) only
 * when it is not, e.g. under {@code -XX:-MaxFDLimit}. Nothing can go past the hard limit without
 * privileges, so then it fails with a message that says how to raise it.
 */
final class FdLimit {
    /** Descriptors the JVM and the bench need besides the connections (jars, selectors, pipes). */
    static final int RESERVE = 64;
    static final long UNLIMITED = Long.MAX_VALUE;

    record Limits(long soft, long hard) {}

    private FdLimit() {}

    static Limits current() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/limits")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads the "Max open files" row of a /proc/PID/limits file; null if absent. */
    static Limits parse(List<String> lines) {
        for (String line : lines) {
            if (!line.startsWith("Max open files")) continue;
            String[] f = line.substring("Max open files".length()).trim().split("\\s+");
            if (f.length < 2) return null;
            return new Limits(value(f[0]), value(f[1]));
        }
        return null;
    }

    private static long value(String s) {
        return s.equals("unlimited") ? UNLIMITED : Long.parseLong(s);
    }

    /**
     * Makes sure this process may open {@code connections} sockets (plus {@link #RESERVE}), raising
     * the soft limit up to the hard limit if needed. Returns the limits in force.
     *
     * @throws BenchException if the hard limit is too low, saying how to raise it
     */
    static Limits ensure(long connections) throws BenchException {
        long needed = connections + RESERVE;
        Limits now = current();
        if (now == null || now.soft() >= needed) return now;
        if (now.hard() < needed) throw new BenchException(tooLow(connections, needed, now));
        Native.setOpenFilesLimit(now.hard(), now.hard());
        Limits after = current();
        if (after == null || after.soft() < needed) {
            throw new BenchException("need " + needed + " file descriptors for " + connections
                    + " connections, but could not raise the open-files soft limit from " + now.soft()
                    + " to the hard limit " + now.hard() + "; run `ulimit -n " + now.hard()
                    + "` in the shell that starts the bench");
        }
        return after;
    }

    static String tooLow(long connections, long needed, Limits now) {
        long suggest = (needed + 1000 + 9999) / 10000 * 10000; // a round number with room to spare
        return "need " + needed + " file descriptors for " + connections + " connections, but this process's "
                + "open-files hard limit is " + now.hard() + ". Raise it for the bench (as root: `ulimit -n " + suggest
                + "` in the shell that starts it, or `prlimit --pid $$ --nofile=" + suggest + ":" + suggest
                + "` for that shell) and for the server, which needs as many (`prlimit --pid SERVERPID --nofile="
                + suggest + ":" + suggest + "`)";
    }
}
