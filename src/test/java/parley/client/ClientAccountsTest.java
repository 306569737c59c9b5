package parley.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.protocol.FromClient;
import parley.testing.Harness;

/** {@code register NAME} and {@code login NAME} in the terminal client, piped: the password is the next line. */
@DisplayName("client login and register")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientAccountsTest {

    @Test
    @DisplayName("login and register parse to a sign-in; the password is not on the command line")
    void parse() {
        assertThat(CommandParser.parse("login alice")).isEqualTo(new Command.SignIn("alice", false));
        assertThat(CommandParser.parse(" register  bob ")).isEqualTo(new Command.SignIn("bob", true));
        assertThat(CommandParser.parse("login")).isEqualTo(new Command.Invalid("usage: login NAME"));
        assertThat(CommandParser.parse("login alice secret")).isEqualTo(new Command.Invalid("usage: login NAME"));
    }

    @Test
    @DisplayName("piped: register, then login from another client, each reading its password from the next line")
    void pipedSignIn() throws Exception {
        try (ChatServer server = ChatServer.start(Harness.loopback())) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
            String first = run(at, "register alice\ncorrect horse\n");
            assertThat(first).contains("welcome, alice").doesNotContain("correct horse");
            String second = run(at, "login alice\ncorrect horse\njoin dogs\npost dogs hi\n");
            assertThat(second).contains("welcome, alice").contains("hi").doesNotContain("correct horse");
            String wrong = run(at, "login alice\nnot it\n");
            assertThat(wrong).contains("wrong name or password");
        }
    }

    private static String run(InetSocketAddress at, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, UTF_8);
        ChatClient.run(at, new BufferedReader(new StringReader(script)), ps, ps, Duration.ofSeconds(3)); // the first hash may be slow on a cold JIT
        return out.toString(UTF_8);
    }

    @Test
    @DisplayName("the sign-in requests keep the password out of toString")
    void redacted() {
        assertThat(new FromClient.Login("a", "pw-123").toString()).doesNotContain("pw-123");
    }
}
