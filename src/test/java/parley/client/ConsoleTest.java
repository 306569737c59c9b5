package parley.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.FromServer;

/** The two consoles: the piped one prints the book's lines and nothing else; the terminal one edits lines and colours. */
@Timeout(20)
class ConsoleTest {

    @Test
    void plainConsolePrintsBookLinesOnOutAndEverythingElseOnErr() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PlainConsole c = new PlainConsole(new BufferedReader(new StringReader("join dogs\npost dogs hi\n")),
                new PrintStream(out, false, UTF_8), new PrintStream(err, false, UTF_8))) {
            assertThat(c.readLine()).isEqualTo("join dogs");
            assertThat(c.readLine()).isEqualTo("post dogs hi");
            assertThat(c.readLine()).isNull();
            c.show(new FromServer.Message("dogs", "hi"));
            c.show(new FromServer.Error("Dropped 3 messages from dogs."));
            c.note("unknown command 'x'");
            c.show(new FromServer.Message("dogs", "\u001b[31mraw", "bob", 2));
        }
        assertThat(out.toString(UTF_8)).isEqualTo("message posted to dogs: hi\n"
                + "error from server: Dropped 3 messages from dogs.\n"
                + "message posted to dogs by bob: \u001b[31mraw\n");
        assertThat(err.toString(UTF_8)).isEqualTo("unknown command 'x'\n");
    }

    /** A terminal on streams, written synchronously (no pty, no pump threads), as xterm would be. */
    private static Terminal terminal(String input, ByteArrayOutputStream out) throws IOException {
        return new ExternalTerminal("test", "xterm-256color", new ByteArrayInputStream(input.getBytes(UTF_8)), out, UTF_8);
    }

    @Test
    void terminalConsoleTakesChatTextAsTyped() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Quotes, backslashes and '!' are chat text here, not shell syntax or history references.
        String typed = "join dogs\rpost dogs it's \"fine\" \\o/ !! !$ !-1\rpost dogs again\r";
        try (JLineConsole c = new JLineConsole(terminal(typed, out))) {
            assertThat(c.readLine()).isEqualTo("join dogs");
            assertThat(c.readLine()).isEqualTo("post dogs it's \"fine\" \\o/ !! !$ !-1");
            assertThat(c.readLine()).isEqualTo("post dogs again");
            assertThat(c.readLine()).as("end of input").isNull();
        }
    }

    @Test
    void terminalConsoleEditsAndRecallsHistory() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Type, then Ctrl-A and a word at the start; then Ctrl-P (Up) recalls that line, and Ctrl-D ends.
        String typed = "dogs hi\u0001post \r\u0010\r\u0004";
        try (JLineConsole c = new JLineConsole(terminal(typed, out))) {
            assertThat(c.readLine()).isEqualTo("post dogs hi");
            assertThat(c.readLine()).isEqualTo("post dogs hi");
            assertThat(c.readLine()).isNull();
        }
    }

    @Test
    void terminalConsoleShowsColouredReplies() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JLineConsole c = new JLineConsole(terminal("", out))) {
            c.show(new FromServer.Message("dogs", "hi", "alice", 1));
            c.show(new FromServer.Error("Dropped 3 messages from dogs."));
            c.show(new FromServer.Error("Group 'x' does not exist"));
        }
        String shown = out.toString(UTF_8);
        String readable = shown.replace("\u001b", "ESC");
        assertThat(readable).as(readable)
                .contains("message posted to ESC[36mdogsESC[")
                .contains(" by ESC[1maliceESC[")
                .contains("ESC[31merror from server: Group 'x' does not exist");
        String lagLine = readable.lines().filter(l -> l.contains("!! Dropped 3 messages from dogs. !!")).findFirst()
                .orElseThrow();
        String sgr = lagLine.substring(0, lagLine.indexOf("!!"));
        assertThat(sgr).as(lagLine).startsWith("ESC[").contains("43").contains("30").contains("1");
    }

    private static final long TS = 1765100000123L; // 2025-12-07T09:33:20.123Z

    @Test
    void eachRunOfEarlierMessagesStartsWithAMarkerAndALiveMessageEndsIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Clock arrival = Clock.fixed(Instant.ofEpochMilli(TS + 60_000), ZoneOffset.UTC);
        try (JLineConsole c = new JLineConsole(terminal("", out), ZoneOffset.UTC, arrival)) {
            c.showEarlier(new FromServer.Message("dogs", "one", "bob", 1, TS));
            c.showEarlier(new FromServer.Message("dogs", "two", "bob", 2, TS));
            c.show(new FromServer.Fetched("dogs", 2, 1, 2));
            c.show(new FromServer.Message("dogs", "live"));
            c.showEarlier(new FromServer.Message("cats", "old"));
        }
        List<String> lines = out.toString(UTF_8).replaceAll("\u001b\\[[0-9;]*m", "").lines()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertThat(lines).containsExactly(TerminalFormat.EARLIER_MARKER,
                "09:33 message posted to dogs by bob: one",
                "09:33 message posted to dogs by bob: two",
                "2 messages from dogs",
                "09:34 message posted to dogs: live",
                TerminalFormat.EARLIER_MARKER,
                "message posted to cats: old");
    }

    @Test
    void tabCompletesGroupAndMemberNamesTheSessionHasMet() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String typed = "join dogs\rwho d\t\rpost dogs hi b\t\r";
        try (JLineConsole c = new JLineConsole(terminal(typed, out))) {
            assertThat(c.readLine()).isEqualTo("join dogs");
            c.show(new FromServer.Message("dogs", "woof", "bob", 1));
            assertThat(c.readLine()).isEqualTo("who dogs ");
            assertThat(c.readLine()).isEqualTo("post dogs hi bob ");
        }
    }

    @Test
    void whenTheSessionEndsUnderThePromptThePromptIsTakenAway() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.io.PipedOutputStream keys = new java.io.PipedOutputStream();
        Terminal t = new ExternalTerminal("test", "xterm-256color", new java.io.PipedInputStream(keys), out, UTF_8);
        JLineConsole c = new JLineConsole(t);
        Thread reader = Thread.ofPlatform().start(() -> c.readLine());
        org.awaitility.Awaitility.await().until(() -> out.toString(UTF_8).contains(JLineConsole.PROMPT));
        c.note("parley client: the server closed the connection");
        c.close();
        reader.join(5000);
        keys.close();
        String shown = out.toString(UTF_8);
        assertThat(shown).contains("parley client: the server closed the connection");
        String afterNote = shown.substring(shown.lastIndexOf("the server closed the connection"));
        // The editor finished with its line erased: no dead "> " is left after the note.
        String readable = afterNote.replace("\u001b", "ESC").replace("\r", "CR").replace("\n", "LF");
        assertThat(readable.substring(readable.lastIndexOf(JLineConsole.PROMPT))).as(readable)
                .matches("> (\\^C)?CRESC\\[K.*").doesNotContain("LF");
        assertThat(reader.isAlive()).as("the editor finished").isFalse();
    }
}
