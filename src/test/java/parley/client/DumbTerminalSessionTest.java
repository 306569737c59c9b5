package parley.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.server.ServerConfig;

/**
 * A scripted session on JLine's dumb terminal (no colours, no cursor movement: what is left is
 * the words) against an in-process server: the join confirmation, a message's time, the line that
 * marks history, and Tab completing a group name. The keys go in through a pipe, as typed.
 */
@DisplayName("the terminal client on a dumb terminal")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DumbTerminalSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TIME = "\\d\\d:\\d\\d ";

    private ChatServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = ChatServer.start(ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    /** What the terminal shows, line by line: prompts and the echo of typed keys taken away. */
    private static List<String> lines(ByteArrayOutputStream screen) {
        return screen.toString(UTF_8).lines()
                .map(l -> l.substring(l.lastIndexOf('\r') + 1)) // a redrawn line: what stays is after the last CR
                .map(l -> l.startsWith(JLineConsole.PROMPT) ? l.substring(JLineConsole.PROMPT.length()) : l)
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** A member on a raw socket, in the book's protocol. */
    private static void send(OutputStream bob, FromClient... requests) throws IOException {
        for (FromClient r : requests) bob.write(Codec.encode(r));
        bob.flush();
    }

    @Test
    @DisplayName("join confirms, messages show times, history is marked, Tab completes a group")
    void scriptedSession() throws Exception {
        PipedOutputStream keys = new PipedOutputStream();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, new PipedInputStream(keys, 1 << 16), screen,
                UTF_8);
        JLineConsole console = new JLineConsole(terminal);
        try (Socket bobSocket = new Socket(server.address().getAddress(), server.address().getPort())) {
            OutputStream bob = bobSocket.getOutputStream();
            send(bob, new FromClient.Join("cats"), new FromClient.Post("cats", "old news"), new FromClient.Join("dogs"));
            await().atMost(WAIT).until(() -> server.groups().get("dogs") != null);
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                    ChatClient.run(List.of(server.address()), ClientSecurity.NONE, console, Duration.ofSeconds(2)));

            type(keys, "join dogs\r");
            awaitLine(screen, "joined dogs \\(2 members\\)");

            // Not Hello'd yet: the message carries no time, so it shows when it arrived.
            send(bob, new FromClient.Post("dogs", "woof"));
            awaitLine(screen, TIME + "message posted to dogs: woof");

            type(keys, "nick alice\r");
            awaitLine(screen, "welcome, alice \\(.*\\)");
            type(keys, "history cats 5\r");
            awaitLine(screen, "1 message from cats");
            send(bob, new FromClient.Post("dogs", "after"));
            awaitLine(screen, TIME + "message posted to dogs: after");

            type(keys, "leave d\t\r"); // Tab completes the group joined
            awaitLine(screen, "left dogs");
            keys.close();
            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        } finally {
            console.close();
        }

        List<String> shown = lines(screen);
        int marker = shown.indexOf(TerminalFormat.EARLIER_MARKER);
        assertThat(marker).as(String.join("\n", shown)).isPositive();
        assertThat(shown.subList(marker, marker + 4)).as(String.join("\n", shown)).satisfiesExactly(
                l -> assertThat(l).isEqualTo(TerminalFormat.EARLIER_MARKER),
                l -> assertThat(l).matches(TIME + "message posted to cats: old news"),
                l -> assertThat(l).isEqualTo("1 message from cats"),
                l -> assertThat(l).matches(TIME + "message posted to dogs: after"));
        assertThat(shown.stream().filter(TerminalFormat.EARLIER_MARKER::equals)).as("one run of history").hasSize(1);
        assertThat(screen.toString(UTF_8)).as("no attributes on a dumb terminal: only the words tell").doesNotContain("\u001b");
    }

    private static void type(PipedOutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(UTF_8));
        keys.flush();
    }

    private static void awaitLine(ByteArrayOutputStream screen, String regex) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines(screen)).as(screen.toString(UTF_8))
                .anyMatch(l -> l.matches(regex)));
    }
}
