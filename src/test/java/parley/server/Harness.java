package parley.server;

import parley.net.ChatServer;
import static org.awaitility.Awaitility.await;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** Small shared helpers for the server integration tests. */
public final class Harness {
    private Harness() {}

    /** Defaults, listening on an ephemeral loopback port. */
    public static ServerConfig loopback() {
        return ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0));
    }

    /** Members of {@code group}, or 0 if it does not exist. */
    public static int members(ChatServer server, String group) {
        Group g = server.groups().get(group);
        return g == null ? 0 : g.members();
    }

    /** Waits (bounded) until {@code group} has exactly {@code n} members. */
    public static void awaitMembers(ChatServer server, String group, int n) {
        await("members of " + group + " == " + n).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> members(server, group) == n);
    }

    /** Waits (bounded) until {@code n} messages have been posted to {@code group} in total. */
    public static void awaitPosted(ChatServer server, String group, long n) {
        await("posted to " + group + " == " + n).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    Group g = server.groups().get(group);
                    return g != null && g.posted() >= n;
                });
    }

    /** Open file descriptors of this JVM (Linux). */
    public static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /** A JSON thread dump of this JVM, virtual threads included. */
    public static String threadDump() throws IOException {
        Path p = Files.createTempFile("parley-threads", ".json");
        try {
            Files.delete(p); // dumpThreads refuses to overwrite
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(p.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            return Files.readString(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    /** Virtual threads in the dump whose stack contains any of {@code frames} (every virtual thread if none given). */
    public static int virtualThreads(String dump, String... frames) {
        int n = 0;
        String[] threads = dump.split("\"tid\":");
        for (int i = 1; i < threads.length; i++) {
            String t = threads[i];
            if (!t.contains("\"virtual\": true")) continue;
            boolean match = frames.length == 0;
            for (String f : frames) match |= t.contains(f);
            if (match) n++;
        }
        return n;
    }

    /** Live virtual threads running a connection's reader or writer. */
    public static int connectionThreads() throws IOException {
        return virtualThreads(threadDump(), "parley.net.Connection.", "parley.server.Outbound.");
    }

    /** Live platform threads. */
    public static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** The soft limit on open files of this JVM, from /proc/self/limits; -1 if unknown. */
    public static long maxOpenFiles() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
