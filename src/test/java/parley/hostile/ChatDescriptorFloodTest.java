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
 * accept loop goes on (a slot freed is used again), and the HTTP side stays up.
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

    @Test
    @DisplayName("beyond the limit the open-files limit allows, silent connections get server full and a close")
    void flood() throws Exception {
        int port = freePort();
        int httpPort = freePort();
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
}
