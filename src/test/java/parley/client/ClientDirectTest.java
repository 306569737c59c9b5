package parley.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.testing.Harness;
import parley.testing.TestClient;

/** {@code msg}, {@code dms} and {@code read} in the terminal client, and how direct messages show. */
@DisplayName("client direct messages")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientDirectTest {

    @Test
    @DisplayName("msg, dms and read parse to Direct, Conversations and FetchDirect of the newest page")
    void parse() {
        assertThat(CommandParser.parse("msg bob  hello there")).isEqualTo(
                new Command.Send(new FromClient.Direct("bob", "hello there", null)));
        assertThat(CommandParser.parse("dms")).isEqualTo(new Command.Send(new FromClient.Conversations()));
        assertThat(CommandParser.parse("read alice")).isEqualTo(new Command.Send(
                new FromClient.FetchDirect("alice", OptionalLong.empty(), OptionalLong.empty(), CommandParser.READ_PAGE)));
        assertThat(CommandParser.parse("msg")).isInstanceOf(Command.Invalid.class);
        assertThat(CommandParser.parse("read")).isEqualTo(new Command.Invalid("usage: read NAME"));
    }

    @Test
    @DisplayName("an incoming Direct shows as [dm] NAME: TEXT, with its time on a terminal")
    void format() {
        FromServer.Direct d = new FromServer.Direct("alice", "bob", "hi", 7, 3_600_000L * 13 + 60_000L * 5);
        assertThat(ReplyFormat.format(d)).isEqualTo("[dm] alice: hi");
        assertThat(TerminalFormat.format(d, ZoneOffset.UTC).toString()).isEqualTo("13:05 [dm] alice: hi");
        assertThat(ReplyFormat.format(new FromServer.Conversations(java.util.List.of(
                new FromServer.ConversationInfo("alice", 7, 5), new FromServer.ConversationInfo("carol", 2, 2)))))
                .isEqualTo("direct messages: alice (2 unread), carol");
    }

    @Test
    @DisplayName("piped: msg reaches the recipient, which sees it with dms and read; read moves the marker")
    void piped() throws Exception {
        try (ChatServer server = ChatServer.start(Harness.loopback())) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
            assertThat(run(at, "register bob\npass bob\n")).contains("welcome, bob");
            try (TestClient watcher = TestClient.connect(at)) {
                watcher.send("{\"Login\":{\"name\":\"bob\",\"password\":\"pass bob\"}}");
                watcher.readLine(Duration.ofSeconds(15));
                String alice = run(at, "register alice\npass alice\nmsg bob hi bob\nmsg bob again\n");
                // The sending connection gets Sent, which is not shown; its other connections would show the message.
                assertThat(alice).contains("welcome, alice").doesNotContain("error").doesNotContain("pass alice");
                String bob = run(at, "login bob\npass bob\ndms\nread alice\n");
                assertThat(bob).contains("welcome, bob (").contains("2 unread direct messages")
                        .contains("direct messages: alice (2 unread)").contains("[dm] alice: hi bob")
                        .contains("[dm] alice: again").contains("2 direct messages with alice");
                // The watcher, another connection of bob's, got both messages and the moved marker.
                assertThat(watcher.until(r -> r instanceof FromServer.Read, Duration.ofSeconds(15)).getLast())
                        .isEqualTo(new FromServer.Read("alice", 2));
            }
        }
    }

    private static String run(InetSocketAddress at, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, UTF_8);
        ChatClient.run(at, new BufferedReader(new StringReader(script)), ps, ps, Duration.ofSeconds(3));
        return out.toString(UTF_8);
    }
}
