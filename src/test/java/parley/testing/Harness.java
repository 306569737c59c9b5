package parley.testing;

import parley.net.ChatServer;
import parley.server.Group;
import parley.server.ServerConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The name of every connection's reader thread (parley.net: Connection, ChatServer). */
    public static final String READER = "parley-reader";
    /** The name of every connection's writer thread (parley.server.Outbound). */
    public static final String WRITER = "parley-writer";

    private static final Pattern NAME = Pattern.compile("\"name\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Virtual threads in a JSON thread dump. */
    public static int virtualThreads(String dump) {
        int n = 0;
        String[] threads = dump.split("\"tid\":");
        for (int i = 1; i < threads.length; i++) {
            if (threads[i].contains("\"virtual\": true")) n++;
        }
        return n;
    }

    /** Threads in a JSON thread dump named exactly {@code name}. */
    public static int threadsNamed(String dump, String name) {
        int n = 0;
        String[] threads = dump.split("\"tid\":");
        for (int i = 1; i < threads.length; i++) {
            Matcher m = NAME.matcher(threads[i]);
            if (m.find() && m.group(1).equals(name)) n++;
        }
        return n;
    }

    /** Live threads of this JVM named exactly {@code name}, virtual ones included. */
    public static int threadsNamed(String name) throws IOException {
        return threadsNamed(threadDump(), name);
    }

    /** Live connection reader threads ({@value #READER}) in this JVM. */
    public static int readerThreads() throws IOException {
        return threadsNamed(READER);
    }

    /** Live connection writer threads ({@value #WRITER}) in this JVM. */
    public static int writerThreads() throws IOException {
        return threadsNamed(WRITER);
    }

    /** Live virtual threads running a connection's reader or writer, from one dump. */
    public static int connectionThreads() throws IOException {
        String dump = threadDump();
        return threadsNamed(dump, READER) + threadsNamed(dump, WRITER);
    }

    /**
     * Positive control for {@link #readerThreads()}: a client that keeps posting keeps its reader
     * busy, so a count by name must see at least one reader; if it does not (the threads were
     * renamed, or the dump no longer names them) the test fails here instead of later counting
     * zero and passing for the wrong reason. Leaves the server as it found it (bounded waits).
     */
    public static void assertReadersCounted(ChatServer server) throws Exception {
        int connections = server.connectionCount();
        String group = "reader-count-control";
        int before = members(server, group);
        int seen = 0;
        try (TestClient busy = TestClient.connect(server).readInBackground()) {
            busy.join(group);
            awaitMembers(server, group, before + 1);
            AtomicBoolean stop = new AtomicBoolean();
            Thread poster = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 100_000 && !stop.get(); i++) {
                        busy.post(group, "busy " + i);
                        Thread.sleep(2);
                    }
                } catch (IOException | InterruptedException e) {
                    // the control ends with the client
                }
            });
            try {
                for (int i = 0; i < 20 && seen == 0; i++) {
                    Thread.sleep(20);
                    seen = readerThreads();
                }
            } finally {
                stop.set(true);
                poster.join(10_000);
            }
        }
        awaitGone(server, connections, group);
        assertThat(seen).as("threads named %s while a client keeps posting", READER).isPositive();
    }

    /**
     * Positive control for {@link #writerThreads()}: a member that reads nothing, behind a small
     * receive buffer, leaves the rest of what is posted to it to its writer thread, which then
     * waits in a write until the member goes; a count by name must see it.
     */
    public static void assertWritersCounted(ChatServer server) throws Exception {
        int connections = server.connectionCount();
        String group = "writer-count-control";
        int before = members(server, group);
        int seen = 0;
        try (TestClient stuck = TestClient.connect(server.address(), 4096, 1024);
                TestClient poster = TestClient.connect(server)) {
            stuck.join(group);
            awaitMembers(server, group, before + 1);
            String[] batch = new String[100];
            Arrays.fill(batch, TestClient.postLine(group, "w".repeat(1000)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; i < 100 && seen == 0 && System.nanoTime() < deadline; i++) {
                poster.send(batch); // about 100 KB a time, up to 10 MB: more than the kernel holds for it
                seen = writerThreads();
            }
        }
        awaitGone(server, connections, group);
        assertThat(seen).as("threads named %s while a member that reads nothing is sent more than its socket holds"
                + " (writers are named in parley.server.Outbound)", WRITER).isPositive();
    }

    /** Waits (bounded) until a control's connections and group are gone. */
    private static void awaitGone(ChatServer server, int connections, String group) {
        await("control connections gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> server.connectionCount() <= connections && server.groups().get(group) == null);
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
