package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.testing.Scrape;
import parley.testing.TestClient;

/**
 * Attack 2 of issue 18: silent connections on the chat port until the descriptors run out. The
 * server runs as a process of its own under a low open-files limit ({@code ulimit -n} in a
 * {@code bash -c} wrapper); at start it lowers its connection limits to what the limit allows and
 * says so; every connection beyond them gets {@code server full} and a close, never a hang; the
 * accept loop goes on (a slot freed is used again), and the HTTP side stays up. And when the
 * process runs out of descriptors below its connection limit, the reserve descriptor still
 * answers {@code server full}.
 */
@DisplayName("hostile: descriptor flood on the chat port")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatDescriptorFloodTest {
    private static final int OPEN_FILES = 450;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Process process;
    private final List<TestClient> clients = new ArrayList<>();

    @AfterEach
    void kill() {
        for (TestClient c : clients) c.close();
        if (process != null && process.isAlive()) process.destroyForcibly();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }


    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("server.err"), UTF_8);
    }

    /** Starts the server under {@code ulimit -n OPEN_FILES}; returns the connection limit it lowered itself to. */
    private int startServer(int port, int httpPort) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cmd = "ulimit -n " + OPEN_FILES + " && exec " + quote(java)
                + " --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx256m -cp "
                + quote(parley.testing.ChildServer.classPath()) + " parley.cli.Main server 127.0.0.1:" + port
                + " --http 127.0.0.1:" + httpPort + " --max-memory 256m --data none";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("server.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
        process = pb.start();
        await().atMost(WAIT).until(() -> stderr().contains("server.started") || !process.isAlive());
        String log = stderr();
        assertThat(log).as(log).contains("server.started");

        // The start-up log names the limit and the numbers it lowered the maximum to.
        Matcher warn = Pattern.compile("WARN descriptors.limited .*open_files_limit=" + OPEN_FILES
                + " .*max_connections=(\\d+) max_connections_given=100000").matcher(log);
        assertThat(warn.find()).as(log).isTrue();
        int max = Integer.parseInt(warn.group(1));
        assertThat(max).isBetween(1, OPEN_FILES / 2);
        assertThat(log).contains("max-connections=" + max);
        return max;
    }

    @Test
    @DisplayName("beyond the limit the open-files limit allows, silent connections get server full and a close")
    void flood() throws Exception {
        int port = freePort();
        int httpPort = freePort();
        int max = startServer(port, httpPort);

        java.net.InetSocketAddress address = new java.net.InetSocketAddress("127.0.0.1", port);
        TestClient member = TestClient.hello(address, "member");
        clients.add(member);
        // Silent connections, twice as many as fit: those over the limit are told and closed.
        int refused = 0;
        for (int i = 0; i < 2 * max; i++) {
            TestClient c = TestClient.connect(address);
            clients.add(c);
            if (i >= max) {
                assertThat(c.readLine(Duration.ofSeconds(10)))
                        .isEqualTo("{\"Error\":\"server full: at most " + max + " connections; closing the connection\"}");
                assertThat(c.closedByServer()).isTrue();
                refused++;
            }
        }
        assertThat(refused).isEqualTo(max);
        System.out.println("descriptor flood: ulimit -n " + OPEN_FILES + ", max connections lowered to " + max
                + "; " + refused + " silent connections over it refused with server full");
        // The HTTP side and the member are fine.
        assertThat(Scrape.get(httpPort, "/health").statusCode()).isEqualTo(200);
        member.join("room");
        member.post("room", "alive");
        assertThat(member.readLine()).contains("alive");

        // The accept loop goes on: a freed slot is taken by the next client.
        for (int i = 1; i <= 10; i++) clients.get(i).close();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            try (TestClient late = TestClient.hello(address, "late")) {
                return true;
            }
        });
        Scrape m = Scrape.metrics(httpPort);
        assertThat(m.count("parley_max_connections")).isEqualTo(max);

        // An open-files limit raised while the server runs (as the bench does with prlimit) is
        // taken up at the next connection that would be refused (raising a hard limit needs root).
        long pid = process.pid();
        if (parley.net.Linux.setOpenFilesLimit(pid, 2 * OPEN_FILES, 2 * OPEN_FILES)) {
            for (int i = 0; i < max; i++) clients.add(TestClient.connect(address));
            try (TestClient extra = TestClient.hello(address, "extra")) {
                extra.join("room");
                extra.post("room", "room for more");
                assertThat(extra.readLine()).contains("room for more");
            }
            long raised = Scrape.metrics(httpPort).count("parley_max_connections");
            assertThat(raised).isGreaterThan(max);
            System.out.println("descriptor flood: open-files limit raised to " + 2 * OPEN_FILES + " while running: "
                    + "max connections " + max + " -> " + raised);
        }
        assertThat(m.count("parley_connections_closed_total{reason=\"max_connections\"}")).isGreaterThanOrEqualTo(max);
        assertThat(process.isAlive()).isTrue();
        assertThat(stderr()).doesNotContain("terminating now");
    }

    /**
     * The path the connection limit cannot reach: the process out of descriptors while under its
     * connection limit (here its soft open-files limit lowered to its highest descriptor while it
     * runs, as anything else in the process could use them up). Accept fails with EMFILE; the
     * server spends its reserve descriptor on the waiting client, tells it {@code server full}
     * and closes it, rather than leaving it in the listen backlog unanswered.
     */
    @Test
    @DisplayName("out of descriptors below the connection limit: server full and a clean close, from the reserve descriptor")
    void reserveDescriptor() throws Exception {
        int port = freePort();
        int httpPort = freePort();
        int max = startServer(port, httpPort);
        long pid = process.pid();
        org.junit.jupiter.api.Assumptions.assumeTrue(parley.net.Linux.setOpenFilesLimit(pid, OPEN_FILES, OPEN_FILES),
                "prlimit(2) on the server process is needed");
        java.net.InetSocketAddress address = new java.net.InetSocketAddress("127.0.0.1", port);
        TestClient member = TestClient.hello(address, "member");
        clients.add(member);
        member.join("room");
        // Warm up first: the child loads its classes from target/classes, a file (a descriptor)
        // each, and a class that fails to load for want of one stays failed (a jar, as the
        // launcher runs, is open already). So every path the test takes later is taken once now.
        member.post("room", "warm").send("{}");
        assertThat(member.readLine(Duration.ofSeconds(10))).contains("warm");
        assertThat(member.readLine(Duration.ofSeconds(10))).startsWith("{\"Error\"");
        try (TestClient warm = TestClient.hello(address, "warm")) {
            warm.join("room");
        }

        assertThat(parley.net.Linux.setOpenFilesLimit(pid, highestDescriptor(pid) + 1, OPEN_FILES)).isTrue();
        String full = "{\"Error\":\"server full: at most " + max + " connections; closing the connection\"}";
        int served = 0;
        int refused = 0;
        // Clients fill any free descriptors below the limit and are served; then each is refused.
        for (int i = 0; i < 40 && refused < 3; i++) {
            TestClient c = TestClient.connect(address);
            clients.add(c);
            c.send("{\"Hello\":{\"name\":\"c" + i + "\"}}");
            String line = c.readLine(Duration.ofSeconds(10));
            if (line.equals(full)) {
                assertThat(c.closedByServer()).as("closed after server full").isTrue();
                refused++;
            } else {
                assertThat(line).startsWith("{\"Welcome\"");
                served++;
            }
        }
        assertThat(refused).as("clients refused with server full (%d served first)", served).isEqualTo(3);
        assertThat(served + 1).as("well under the connection limit: not its refusal").isLessThan(max);
        // A member chats on meanwhile: it needs no new descriptor.
        member.post("room", "still here");
        assertThat(member.readLine(Duration.ofSeconds(10))).contains("still here");

        // Descriptors back: new clients are served, and the refusals were the reserve's, not the limit's.
        assertThat(parley.net.Linux.setOpenFilesLimit(pid, OPEN_FILES, OPEN_FILES)).isTrue();
        try (TestClient late = TestClient.hello(address, "late")) {
            late.join("room");
        }
        Scrape m = Scrape.metrics(httpPort);
        assertThat(m.count("parley_accept_failures_total")).isGreaterThanOrEqualTo(refused);
        assertThat(m.count("parley_connections_closed_total{reason=\"max_connections\"}")).isZero();
        System.out.println("reserve descriptor: " + served + " clients served into free descriptors, then "
                + refused + " refused with server full; " + m.count("parley_accept_failures_total") + " failed accepts");
        assertThat(process.isAlive()).isTrue();
        assertThat(stderr()).doesNotContain("terminating now");
    }

    private static int highestDescriptor(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).max().orElseThrow();
        }
    }
}
