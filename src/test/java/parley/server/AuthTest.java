package parley.server;

import parley.auth.AuthTokens;
import parley.log.Log;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.client.ChatClient;
import parley.client.ClientSecurity;
import parley.testing.TestClient;
import parley.testing.Scrape;
import parley.testing.TestServer;

/** Token authentication over real sockets: the first request must be a good Auth, or the connection ends. */
@DisplayName("authentication")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthTest {
    private static final String ALICE = "secret-alice-0123456789";
    private static final String BOB = "secret-bob-9876543210";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private TestServer server;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeEach
    void captureLogs() {
        Log.setOutput(new PrintStream(logs, true, UTF_8));
        Log.setLevel(Log.Level.DEBUG);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        Log.setOutput(System.err);
        Log.setLevel(Log.Level.INFO);
    }

    private void start(ServerConfig.Builder b) throws Exception {
        server = TestServer.start(b, null, AuthTokens.of(Map.of(ALICE, "alice", BOB, "bob")));
    }

    private static String auth(String token) {
        return "{\"Auth\":{\"token\":\"" + token + "\"}}";
    }

    @Test
    @DisplayName("a good token signs in: the token's user is the poster's name, and Hello may only repeat it")
    void goodToken() throws Exception {
        start(ServerConfig.builder());
        try (TestClient a = server.connect(); TestClient b = server.connect()) {
            a.send(auth(ALICE)).send("{\"Join\":{\"group_name\":\"dogs\"}}").send("{\"List\":{}}");
            assertThat(a.readLine()).isEqualTo("{\"Groups\":[{\"name\":\"dogs\",\"members\":1}]}");
            b.send(auth(BOB)).send("{\"Hello\":{\"name\":\"alice\"}}").send("{\"Hello\":{\"name\":\"bob\"}}");
            assertThat(b.readLine()).isEqualTo("{\"Error\":\"signed in as 'bob': Hello must use that name\"}");
            // The Welcome says that this server requires authentication.
            assertThat(b.readLine()).isEqualTo("{\"Welcome\":{\"name\":\"bob\",\"server\":\"parley "
                    + Version.current() + "\",\"epoch\":\"" + server.chat.groups().epoch() + "\",\"auth\":true}}");
            b.send("{\"Join\":{\"group_name\":\"dogs\"}}").send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hi\"}}");
            assertThat(parley.testing.TestClient.withoutTs(b.readLine())).isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi\",\"from\":\"bob\",\"seq\":1}}");
            assertThat(parley.testing.TestClient.withoutTs(a.readLine())).isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi\"}}");
            b.send("{\"Members\":{\"group_name\":\"dogs\"}}");
            assertThat(b.readLine()).isEqualTo("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\",\"bob\"]}}");
            // A second Auth is an error, not a new identity.
            b.send(auth(ALICE));
            assertThat(b.readLine()).isEqualTo("{\"Error\":\"already authenticated as 'bob'\"}");
        }
    }

    @Test
    @DisplayName("a wrong token: an Error, then the connection is closed; counted in /metrics")
    void wrongToken() throws Exception {
        start(ServerConfig.builder());
        try (TestClient a = server.connect()) {
            a.send(auth("not-a-real-token-42")).send("{\"Join\":{\"group_name\":\"dogs\"}}");
            assertThat(a.readLine()).isEqualTo("{\"Error\":\"authentication failed; closing the connection\"}");
            assertThat(a.closedByServer()).isTrue();
        }
        await().atMost(WAIT).untilAsserted(() -> {
            Scrape s = server.scrape();
            assertThat(s.count("parley_connections_closed_total{reason=\"auth_failed\"}")).isEqualTo(1);
            assertThat(s.count("parley_errors_total{kind=\"auth\"}")).isEqualTo(1);
            assertThat(s.count("parley_groups")).isZero(); // the Join after the bad token was never served
        });
    }

    @Test
    @DisplayName("no token: a first request other than Auth (or not JSON at all) gets an Error and the connection is closed")
    void noToken() throws Exception {
        start(ServerConfig.builder());
        String required = "{\"Error\":\"authentication required: the first request must be "
                + "{\\\"Auth\\\":{\\\"token\\\":\\\"...\\\"}}; closing the connection\"}";
        try (TestClient a = server.connect()) {
            a.send("{\"Join\":{\"group_name\":\"dogs\"}}").send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"x\"}}");
            assertThat(a.readLine()).isEqualTo(required);
            assertThat(a.closedByServer()).isTrue();
        }
        try (TestClient a = server.connect()) {
            a.send("hello?");
            assertThat(a.readLine()).isEqualTo(required);
            assertThat(a.closedByServer()).isTrue();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                server.scrape().count("parley_connections_closed_total{reason=\"auth_failed\"}")).isEqualTo(2));
        assertThat(server.chat.groups().size()).isZero();
    }

    @Test
    @DisplayName("without --auth-tokens the Welcome does not say auth")
    void welcomeWithoutTokensLacksAuth() throws Exception {
        server = TestServer.start(ServerConfig.builder());
        try (TestClient a = server.connect()) {
            a.send("{\"Hello\":{\"name\":\"alice\"}}");
            assertThat(a.readLine()).isEqualTo("{\"Welcome\":{\"name\":\"alice\",\"server\":\"parley "
                    + Version.current() + "\",\"epoch\":\"" + server.chat.groups().epoch() + "\"}}");
        }
    }

    @Test
    @DisplayName("the Auth line split over two TCP packets still signs in")
    void tokenInSecondPacket() throws Exception {
        start(ServerConfig.builder());
        try (TestClient a = server.connect()) {
            String line = auth(ALICE) + "\n";
            int cut = line.indexOf("secret") + 4; // inside the token
            a.sendRaw(line.substring(0, cut));
            Thread.sleep(200);
            a.sendRaw(line.substring(cut));
            a.send("{\"Hello\":{\"name\":\"alice\"}}");
            assertThat(a.readLine()).startsWith("{\"Welcome\":{\"name\":\"alice\",");
        }
    }

    @Test
    @DisplayName("a connection that never authenticates is told so and closed after the auth timeout")
    void authTimeout() throws Exception {
        start(ServerConfig.builder().authTimeout(Duration.ofMillis(300)));
        try (TestClient a = server.connect()) {
            long t0 = System.nanoTime();
            assertThat(a.readLine()).isEqualTo("{\"Error\":\"authentication timed out: send {\\\"Auth\\\":{\\\"token\\\":"
                    + "\\\"...\\\"}} within 300ms of connecting; closing the connection\"}");
            assertThat(a.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                server.scrape().count("parley_connections_closed_total{reason=\"auth_timeout\"}")).isEqualTo(1));
    }

    @Test
    @DisplayName("tokens never reach the logs, good or bad, even at DEBUG")
    void tokensNotLogged() throws Exception {
        start(ServerConfig.builder());
        try (TestClient a = server.connect(); TestClient b = server.connect()) {
            a.send(auth(ALICE)).send("{\"List\":{}}");
            a.readLine();
            b.send(auth("wrong-token-abcdefgh"));
            b.readLine();
        }
        await().atMost(WAIT).until(() -> logs.toString(UTF_8).contains("auth.failed"));
        String text = logs.toString(UTF_8);
        assertThat(text).contains("auth.ok").contains("user=alice").contains("reason=\"unknown token\"");
        assertThat(text).doesNotContain(ALICE).doesNotContain("wrong-token-abcdefgh").doesNotContain("secret");
        assertThat(new parley.protocol.FromClient.Auth(ALICE).toString()).doesNotContain(ALICE);
    }

    @Test
    @DisplayName("the terminal client sends its token first")
    void clientWithToken() throws Exception {
        start(ServerConfig.builder());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ChatClient.run(server.address(), new ClientSecurity(null, false, ALICE),
                new BufferedReader(new StringReader("nick alice\njoin dogs\npost dogs hello\n")),
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Duration.ofSeconds(2));
        assertThat(code).isZero();
        assertThat(out.toString(UTF_8)).startsWith("welcome, alice (parley ")
                .endsWith("message posted to dogs by alice: hello\n");

        out.reset();
        code = ChatClient.run(server.address(), ClientSecurity.NONE,
                new BufferedReader(new StringReader("join dogs\n")),
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Duration.ofSeconds(2));
        assertThat(out.toString(UTF_8)).startsWith("error from server: authentication required");
    }

    @Test
    @DisplayName("the tokens file: comments and blank lines skipped; a bad line named by number, never by token")
    void tokensFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("tokens");
        Files.writeString(f, "# token user\n\nsecret-alice-0123456789 alice  # the first\n  other-token-xyz123 bob\n");
        AuthTokens t = AuthTokens.load(f, 32);
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.userFor("secret-alice-0123456789")).isEqualTo("alice");
        assertThat(t.userFor("other-token-xyz123")).isEqualTo("bob");
        assertThat(t.userFor("nope")).isNull();

        Files.writeString(f, "good-token-123456 alice\nlonely-token-123456\n");
        assertThatThrownBy(() -> AuthTokens.load(f, 32)).hasMessageContaining("line 2")
                .hasMessageNotContaining("lonely-token");
        Files.writeString(f, "same-token-123456 alice\nsame-token-123456 bob\n");
        assertThatThrownBy(() -> AuthTokens.load(f, 32)).hasMessageContaining("line 2: the same token appears twice");
        Files.writeString(f, "short a\n");
        assertThatThrownBy(() -> AuthTokens.load(f, 32)).hasMessageContaining("at least 8 characters");
        Files.writeString(f, "a-long-enough-token bad/name\n");
        assertThatThrownBy(() -> AuthTokens.load(f, 32)).hasMessageContaining("user name 'bad/name'");
    }
}
