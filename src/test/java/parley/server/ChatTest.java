package parley.server;

import parley.testing.Harness;
import parley.testing.TestClient;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.Harness.awaitMembers;
import static parley.testing.Harness.members;
import static parley.testing.TestClient.errorLine;
import static parley.testing.TestClient.messageLine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The basic chat behaviour over real loopback sockets, checked byte for byte. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatTest {
    private static ChatServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Harness.loopback());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void twoClientsChatWithExactBytes() throws Exception {
        try (TestClient a = TestClient.connect(server); TestClient b = TestClient.connect(server)) {
            a.send("{\"Join\":{\"group_name\":\"dogs\"}}");
            b.send("{\"Join\":{\"group_name\":\"dogs\"}}");
            awaitMembers(server, "dogs", 2);

            a.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}");
            b.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}");
            a.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hello\"}}");

            b.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
            a.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
            b.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void posterGetsItsOwnPostOnlyIfItJoined_andANonMemberMayPost() throws Exception {
        try (TestClient member = TestClient.connect(server); TestClient outsider = TestClient.connect(server)) {
            member.join("birds");
            awaitMembers(server, "birds", 1);

            // The outsider never joined: it may post to an existing group...
            outsider.post("birds", "tweet");
            member.expectLine(messageLine("birds", "tweet"));
            // ...and gets no copy. Its next line is the answer to its next request: nothing came before it.
            outsider.post("no-such-group", "x");
            outsider.expectLine(errorLine("Group 'no-such-group' does not exist"));

            // The member gets its own post.
            member.post("birds", "chirp");
            member.expectLine(messageLine("birds", "chirp"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void postingToAMissingGroupIsAnError() throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            c.send("{\"Post\":{\"group_name\":\"cats\",\"message\":\"meow\"}}");
            c.expectLine("{\"Error\":\"Group 'cats' does not exist\"}");
            // The connection carries on.
            c.join("cats");
            c.post("cats", "meow");
            c.expectLine(messageLine("cats", "meow"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void joiningTwiceIsIdempotent() throws Exception {
        try (TestClient c = TestClient.connect(server); TestClient poster = TestClient.connect(server)) {
            c.join("twice");
            c.join("twice");
            // The reader handles lines in order: once this post comes back, both joins were handled.
            c.post("twice", "sync");
            c.expectLine(messageLine("twice", "sync"));
            assertThat(members(server, "twice")).isEqualTo(1);

            for (int i = 1; i <= 3; i++) poster.post("twice", "m" + i);
            poster.post("twice", "sentinel");
            for (int i = 1; i <= 3; i++) c.expectLine(messageLine("twice", "m" + i));
            c.expectLine(messageLine("twice", "sentinel"));
            // A second subscription would deliver a second copy of all four right after.
            c.expectNoLineWithin(Duration.ofMillis(500));
            assertThat(members(server, "twice")).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void unicodeAndEscapesRoundTripByteExactly() throws Exception {
        String message = "caf\u00e9 \u65e5\u672c \uD83D\uDE00 \"q\" back\\slash tab\there ctl\u0001 "
                + "nl\n cr\r bs\b ff\f del\u007f ls\u2028 nul\u0000 us\u001f";
        String group = "gr\u00fcn \u65e5\u672c \uD83D\uDC36";
        // Expected exactly as serde_json writes it: raw UTF-8, short escapes, \\u00XX lower-case.
        String expected = "{\"Message\":{\"group_name\":\"gr\u00fcn \u65e5\u672c \uD83D\uDC36\","
                + "\"message\":\"caf\u00e9 \u65e5\u672c \uD83D\uDE00 \\\"q\\\" back\\\\slash tab\\there ctl\\u0001 "
                + "nl\\n cr\\r bs\\b ff\\f del\u007f ls\u2028 nul\\u0000 us\\u001f\"}}";
        try (TestClient c = TestClient.connect(server)) {
            // Non-ASCII sent raw.
            c.join(group);
            c.post(group, message);
            assertThat(c.readLineBytes(TestClient.READ_TIMEOUT)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));

            // The same text sent with \\u escapes everywhere (surrogate pair included, upper-case hex)
            // comes back in the same canonical form.
            StringBuilder escaped = new StringBuilder();
            for (char ch : message.toCharArray()) escaped.append(String.format("\\u%04X", (int) ch));
            c.send("{\"Post\":{\"group_name\":\"gr\\u00FCn \\u65e5\\u672C \\ud83d\\udc36\",\"message\":\"" + escaped + "\"}}");
            assertThat(c.readLineBytes(TestClient.READ_TIMEOUT)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));

            // Escaped solidus is accepted and written back plain, as serde does.
            c.send("{\"Post\":{\"group_name\":\"" + TestClient.json(group).substring(1) + ",\"message\":\"a\\/b\"}}");
            c.expectLine("{\"Message\":{\"group_name\":\"gr\u00fcn \u65e5\u672c \uD83D\uDC36\",\"message\":\"a/b\"}}");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void crlfWhitespaceFieldOrderAndUnknownFieldsAreAccepted() throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            c.sendBytes(("  { \"Join\" :\t{ \"extra\" : [1, {\"a\": null}, \"s\"], \"group_name\" : \"loose\" , \"more\":{} } }  \r\n")
                    .getBytes(StandardCharsets.UTF_8));
            c.sendBytes("{\"Post\":{\"message\":\"one\",\"future\":true,\"group_name\":\"loose\"}}\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            c.expectLine(messageLine("loose", "one"));
            // Tabs and spaces everywhere, a number among the unknown fields, trailing white space before CRLF.
            c.sendBytes("\t{ \"Post\" : { \"group_name\":\"loose\", \"message\" : \"two\", \"n\": 1.5e3 } }\t \r\n"
                    .getBytes(StandardCharsets.UTF_8));
            c.expectLine(messageLine("loose", "two"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void blankLinesAreIgnored() throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            c.sendBytes("\n\r\n   \n\t\t\n \r\n".getBytes(StandardCharsets.UTF_8));
            c.join("blank");
            c.sendBytes("\n\n".getBytes(StandardCharsets.UTF_8));
            c.post("blank", "after blanks");
            // No Error for any of the blank lines: the first thing back is the message.
            c.expectLine(messageLine("blank", "after blanks"));
            c.expectNoLineWithin(Duration.ofMillis(300));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMessageAtTheDefaultOneMebibyteLineLimitIsDelivered() throws Exception {
        try (TestClient poster = TestClient.connect(server); TestClient member = TestClient.connect(server)) {
            member.join("huge");
            awaitMembers(server, "huge", 1);
            int limit = ServerConfig.DEFAULT_MAX_LINE_BYTES;
            String empty = TestClient.postLine("huge", "");
            String message = "\u00e9".repeat((limit - empty.length()) / 2) + "x".repeat((limit - empty.length()) % 2);
            String line = TestClient.postLine("huge", message);
            assertThat(line.getBytes(StandardCharsets.UTF_8)).hasSize(limit);
            poster.send(line);
            assertThat(member.readLineBytes(Duration.ofSeconds(30)))
                    .isEqualTo(messageLine("huge", message).getBytes(StandardCharsets.UTF_8));
            // And the member's stream carries on normally after it.
            poster.post("huge", "small");
            member.expectLine(messageLine("huge", "small"));
        }
    }

    /**
     * An idle connection's writer thread retires after the linger; a later message must start a
     * new one. Posts are spaced around the linger so that wake-ups race with retirement.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void messagesArriveWhileIdleWritersRetireAndRestart() throws Exception {
        ServerConfig d = Harness.loopback();
        Duration linger = Duration.ofMillis(50);
        ServerConfig quick = d.withWriterLinger(linger);
        try (ChatServer s = ChatServer.start(quick);
                TestClient poster = TestClient.connect(s);
                TestClient member = TestClient.connect(s)) {
            member.join("idle");
            awaitMembers(s, "idle", 1);
            for (int i = 0; i < 40; i++) {
                poster.post("idle", "after " + i);
                member.expectLine(messageLine("idle", "after " + i), Duration.ofSeconds(20));
                Thread.sleep(20 + (i * 37) % 200); // 20..219 ms: before, around and after the retirement sweep
            }
            // Idle now: no connection of this JVM keeps a writer thread (the README's "idle connections cost no
            // writer thread"), yet the connection still works.
            await("idle writers retired").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Harness.writerThreads() == 0);
            poster.post("idle", "wake up");
            member.expectLine(messageLine("idle", "wake up"));
            // Positive control: the count by name does see writers while they work.
            Harness.assertWritersCounted(s);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aFinalLineWithoutNewlineIsHandledAtEndOfInput() throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            c.join("eof");
            c.sendBytes(TestClient.postLine("eof", "last words").getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            c.expectLine(messageLine("eof", "last words"));
            c.expectClosed(Duration.ofSeconds(20));
        }
    }
}
