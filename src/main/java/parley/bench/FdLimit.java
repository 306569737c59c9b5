package parley.bench;

import parley.net.Linux;
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
 * limit is already as high as it can go; {@link #ensure} raises it itself (prlimit via FFM) only
 * when it is not, e.g. under {@code -XX:-MaxFDLimit}. Past the hard limit it tries once more,
 * which works with {@code CAP_SYS_RESOURCE} (root, outside a container that drops it); otherwise it
 * fails with a message that says how to raise it.
 *
 * <p>{@link #raiseServer} does the same for a server on this machine (the idle scenario's
 * {@code --server-pid}): a server started under a low soft limit, which a JVM never is but another
 * server may be, gets its soft limit raised to what the run needs.
 */
final class FdLimit {
    /** Descriptors the JVM and the bench need besides the connections (jars, selectors, pipes). */
    static final int RESERVE = 64;
    static final long UNLIMITED = Long.MAX_VALUE;
    /** Parley holds two descriptors per plain-TCP connection: the channel's and its inline-write dup. */
    static final int SERVER_FDS_PER_CONNECTION = 2;

    record Limits(long soft, long hard) {}

    /**
     * A server's open-files limit before and after {@link #raiseServer}, against what the run
     * needs: {@code minimum} to accept every connection, {@code wanted} for Parley's two
     * descriptors each. {@code after} is null when the server's limits could not be read.
     */
    record ServerLimits(long pid, Limits before, Limits after, long minimum, long wanted) {
        boolean raised() {
            return before != null && after != null && after.soft() > before.soft();
        }

        /** Whether the server may open a descriptor for every connection of the run. */
        boolean enough() {
            return after != null && after.soft() >= minimum;
        }
    }

    private FdLimit() {}

    static Limits current() {
        return of("self");
    }

    /** The limits of process {@code pid} ("self" for this one); null if they cannot be read. */
    static Limits of(String pid) {
        try {
            return parse(Files.readAllLines(Path.of("/proc", pid, "limits")));
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
        if (now.hard() < needed) {
            // Allowed only with CAP_SYS_RESOURCE; without it the limits stay as they were.
            Linux.setOpenFilesLimit(needed, needed);
            Limits after = current();
            if (after != null && after.soft() >= needed) return after;
            throw new BenchException(tooLow(connections, needed, now));
        }
        Linux.setOpenFilesLimit(now.hard(), now.hard());
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

    /**
     * Raises the open-files soft limit of server process {@code pid} on this machine so that it
     * can hold {@code connections} connections with two descriptors each (plus {@link #RESERVE}):
     * up to its hard limit, and past it where this process is privileged. Never lowers a limit.
     */
    static ServerLimits raiseServer(long pid, long connections) {
        long minimum = connections + RESERVE;
        long wanted = SERVER_FDS_PER_CONNECTION * connections + RESERVE;
        String id = Long.toString(pid);
        Limits before = of(id);
        if (before == null || before.soft() >= wanted) return new ServerLimits(pid, before, before, minimum, wanted);
        if (before.hard() < wanted) Linux.setOpenFilesLimit(pid, wanted, wanted);
        Limits now = of(id);
        if (now != null && now.soft() < wanted && now.soft() < now.hard()) {
            Linux.setOpenFilesLimit(pid, Math.min(wanted, now.hard()), now.hard());
            now = of(id);
        }
        return new ServerLimits(pid, before, now, minimum, wanted);
    }
}
