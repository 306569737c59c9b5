package parley.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.testing.TestClient;
import parley.testing.Scrape;

/**
 * {@code parley server} as a real process: started with a config file, the environment and flags;
 * stopped with SIGTERM ({@link ProcessHandle#destroy} on Linux) while a client is far behind. The client
 * must get everything that was queued, then the shutdown notice; the process must exit 0; and
 * everything it logged must be one line per event, Helidon's lines included.
 */
@DisplayName("server process")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** time level event [key=value ...], or a JSON object: nothing else may reach standard error. */
    private static final Pattern LOG_LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\S+Z (DEBUG|INFO|WARN|ERROR) \\S+( .*)?");

    @TempDir
    Path dir;
    private Process process;
    private Path errFile;

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) process.destroyForcibly();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }


    private void start(List<String> args, java.util.Map<String, String> env) throws IOException {
        errFile = dir.resolve("server.err");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx512m",
                "-cp", parley.testing.ChildServer.classPath(), "parley.cli.Main", "server"));
        cmd.addAll(args);
        // Standard error goes to a file: Process.destroy() would close a pipe to it, and lose the last lines.
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errFile.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PARLEY_"));
        pb.environment().put("PARLEY_DATA", "none"); // no parley-data/ in the repository; the store has its own tests
        pb.environment().putAll(env);
        process = pb.start();
    }

    /** What the server has written to standard error so far, line by line. */
    private List<String> stderr() throws IOException {
        return Files.readAllLines(errFile, UTF_8);
    }

    /** SIGTERM, as a service manager sends it, without closing our side of the process's pipes. */
    private void sigterm() {
        process.toHandle().destroy();
    }

    private String logLine(String event) throws IOException {
        return stderr().stream().filter(l -> l.contains(" " + event)).findFirst().orElse(null);
    }

    @Test
    @DisplayName("SIGTERM drains: queued messages, then the notice, then exit 0; settings from flags, file and env")
    void drainOnSigterm() throws Exception {
        int port = freePort();
        int httpPort = freePort();
        Path conf = dir.resolve("parley.conf");
        Files.writeString(conf, "group-capacity=5000\nmax-message=2048\npost-rate=1\n");
        start(List.of("127.0.0.1:" + port, "--http", "127.0.0.1:" + httpPort, "--config", conf.toString(),
                        "--post-rate", "0"),
                java.util.Map.of("PARLEY_CLOSE_FLUSH_TIMEOUT", "20s", "PARLEY_MAX_MESSAGE", "999"));
        await().atMost(WAIT).until(() -> logLine("server.started") != null || !process.isAlive());
        String started = logLine("server.started");
        assertThat(started).as(String.join("\n", stderr())).isNotNull();
        assertThat(started).contains("group-capacity=5000")     // file
                .contains("max-message=2048")                   // file over env
                .contains("close-flush-timeout=20s")            // env
                .contains("post-rate=off")                      // flag over file
                .contains("address=127.0.0.1:" + port);
        assertThat(Scrape.get(httpPort, "/health").statusCode()).isEqualTo(200);

        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        int posts = 4000;
        String pad = "p".repeat(1500);
        try (TestClient behind = TestClient.connect(address, 4096); TestClient poster = TestClient.connect(address)) {
            behind.send("{\"Join\":{\"group_name\":\"stream\"}}").send("{\"List\":{}}");
            assertThat(behind.readLine()).startsWith("{\"Groups\":");
            poster.send("{\"Join\":{\"group_name\":\"stream\"}}");
            CompletableFuture<List<String>> echoes = CompletableFuture.supplyAsync(() -> {
                try {
                    return poster.readLines(posts, Duration.ofSeconds(60));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            for (int i = 0; i < posts; i++) {
                poster.send("{\"Post\":{\"group_name\":\"stream\",\"message\":\"" + i + " " + pad + "\"}}");
            }
            assertThat(echoes.get(60, TimeUnit.SECONDS)).hasSize(posts); // the server has taken every post
            // The client that does not read is far behind: its messages wait in the server.
            await().atMost(WAIT).until(() -> Scrape.metrics(httpPort).count("parley_write_backlog_messages") > 0);

            sigterm();
            await().atMost(WAIT).until(() -> logLine("server.stopping") != null);

            List<String> got = behind.readTimeout(Duration.ofSeconds(30)).readToEnd();
            assertThat(got).hasSize(posts + 1);
            for (int i = 0; i < posts; i++) {
                assertThat(got.get(i)).isEqualTo("{\"Message\":{\"group_name\":\"stream\",\"message\":\"" + i + " " + pad + "\"}}");
            }
            assertThat(got.getLast()).isEqualTo("{\"Error\":\"server shutting down\"}");
            assertThat(poster.readToEnd()).containsExactly("{\"Error\":\"server shutting down\"}");
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            throw new AssertionError("the listener is still open");
        } catch (ConnectException expected) {
            // stopped accepting
        }

        await().atMost(WAIT).until(() -> logLine("server.stopped") != null);
        assertThat(stderr()).isNotEmpty().allSatisfy(l -> assertThat(l).matches(LOG_LINE));
        assertThat(stderr()).anySatisfy(l -> assertThat(l).contains(" INFO jul logger=io.helidon."));
        assertThat(String.join("\n", stderr())).doesNotContain(pad.substring(0, 50)); // no message contents
    }

    @Test
    @DisplayName("a bad value stops the start with exit code 2 and a message naming the setting")
    void badValueExit2() throws Exception {
        start(List.of("127.0.0.1:0", "--http", "off"), java.util.Map.of("PARLEY_MAX_CONNECTIONS", "0"));
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        await().atMost(WAIT).until(() -> !stderr().isEmpty());
        assertThat(stderr().getFirst()).isEqualTo("parley server: max-connections must be at least 1, got 0 "
                + "(from environment variable PARLEY_MAX_CONNECTIONS)");
    }

    @Test
    @DisplayName("--log-format json: every line on standard error is a JSON object")
    void jsonLogs() throws Exception {
        int port = freePort();
        start(List.of("127.0.0.1:" + port, "--log-format", "json"), java.util.Map.of());
        await().atMost(WAIT).until(() -> stderr().stream().anyMatch(l -> l.contains("\"event\":\"server.started\""))
                || !process.isAlive());
        sigterm();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        await().atMost(WAIT).until(() -> stderr().stream().anyMatch(l -> l.contains("\"server.stopped\"")));
        assertThat(stderr()).allSatisfy(l -> assertThat(l).startsWith("{\"time\":\"").endsWith("}"));
    }
}
