package parley.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.protocol.FromServer;
import parley.testing.ChildServer;
import parley.testing.TestClient;
import picocli.CommandLine;

/**
 * Moderation through the command line: {@code parley server --admins --groups-need-owner} in a
 * process of its own, stopped and started again on its SQLite file, and {@code parley accounts admin}
 * run while it is stopped.
 */
@DisplayName("moderation across a restart of the server process")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ModerationProcessTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    private static TestClient signIn(ChildServer s, String request, String name) throws Exception {
        TestClient c = TestClient.connect(s.address());
        c.send("{\"" + request + "\":{\"name\":\"" + name + "\",\"password\":\"pw-" + name + "-123\"}}");
        assertThat(c.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"" + name + "\"");
        return c;
    }

    private static int accounts(String... args) {
        CommandLine cl = parley.cli.Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true)).setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    @DisplayName("owner, operator, topic, ban and a suspension survive SIGTERM and a new start; accounts admin makes an admin")
    void survivesProcessRestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        ChildServer server = new ChildServer(List.of("--data", data.toString(), "--admins", "ada",
                "--groups-need-owner"), dir.resolve("server.log")).start();
        try {
            try (TestClient alice = signIn(server, "Register", "alice"); TestClient ada = signIn(server, "Register", "ada");
                 TestClient bob = signIn(server, "Register", "bob"); TestClient carol = signIn(server, "Register", "carol");
                 TestClient anon = TestClient.connect(server.address())) {
                anon.join("g");
                anon.expectLine("{\"Error\":\"only an account can create groups (--groups-need-owner)\"}");
                alice.join("g");
                for (String r : List.of("{\"Op\":{\"group_name\":\"g\",\"name\":\"carol\"}}",
                        "{\"Topic\":{\"group_name\":\"g\",\"topic\":\"kept\"}}",
                        "{\"Ban\":{\"group_name\":\"g\",\"name\":\"bob\",\"reason\":\"spam\"}}")) {
                    alice.send(r);
                    assertThat(alice.readLine(WAIT)).startsWith("{\"GroupEvent\":");
                }
                ada.send("{\"Suspend\":{\"name\":\"carol\",\"for\":\"1h\"}}");
                assertThat(ada.readLine(WAIT)).startsWith("{\"Suspended\":{\"name\":\"carol\"");
            }
            server.stop();
            assertThat(accounts("accounts", "admin", "--data", data.toString(), "bob")).isZero();
            assertThat(accounts("accounts", "admin", "--data", data.toString(), "ghost")).isEqualTo(1);
            server.start();
            try (TestClient alice = signIn(server, "Login", "alice"); TestClient bob = signIn(server, "Login", "bob");
                 TestClient carol = TestClient.connect(server.address())) {
                alice.send("{\"GroupInfo\":{\"group_name\":\"g\"}}");
                assertThat(TestClient.decode(alice.readLine(WAIT))).isEqualTo(new FromServer.GroupDetails("g", "alice",
                        List.of("carol"), "kept", FromServer.Modes.OPEN, 0));
                carol.send("{\"Login\":{\"name\":\"carol\",\"password\":\"pw-carol-123\"}}");
                assertThat(carol.readLine(WAIT)).startsWith("{\"Error\":\"account 'carol' is suspended until ");
                // Banned in g, but now a stored admin: admins pass every check.
                bob.join("g");
                assertThat(bob.readLine(WAIT)).startsWith("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"kept\"");
                bob.send("{\"Unsuspend\":{\"name\":\"carol\"}}");
                bob.expectLine("{\"Unsuspended\":{\"name\":\"carol\"}}");
                bob.send("{\"GroupInfo\":{\"group_name\":\"g\"}}");
                assertThat(((FromServer.GroupDetails) TestClient.decode(bob.readLine(WAIT))).members()).isEqualTo(1);
            }
        } finally {
            server.close();
        }
    }

    @Test
    @DisplayName("parley accounts admin needs an existing account, and --remove takes the flag back")
    void accountsAdmin(@TempDir Path dir) throws Exception {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("carol's password\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(accounts("accounts", "add", "--data", dir.toString(), "carol")).isZero();
        } finally {
            System.setIn(stdin);
        }
        assertThat(accounts("accounts", "admin", "--data", dir.toString(), "nobody")).isEqualTo(1);
        assertThat(accounts("accounts", "admin", "--data", dir.toString(), "carol")).isZero();
        try (var store = parley.store.SqliteStore.open(parley.store.StoreOptions.defaults(dir, 1))) {
            assertThat(store.moderation().admins()).containsExactly("carol");
        }
        assertThat(accounts("accounts", "admin", "--remove", "--data", dir.toString(), "carol")).isZero();
        try (var store = parley.store.SqliteStore.open(parley.store.StoreOptions.defaults(dir, 1))) {
            assertThat(store.moderation().admins()).isEmpty();
        }
    }
}
