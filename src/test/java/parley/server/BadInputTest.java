package parley.server;

import parley.testing.Harness;
import parley.testing.TestClient;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.Harness.awaitMembers;
import static parley.testing.TestClient.errorLine;
import static parley.testing.TestClient.messageLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import parley.protocol.Codec;
import parley.protocol.FromServer;

/**
 * Every kind of bad input gets an Error that names the problem, and the same connection keeps
 * working afterwards; only an over-long line ends a connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    static final int LIMIT = 1024;
    private static ChatServer server;
    private static ChatServer small;
    private static final AtomicInteger GROUPS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(Harness.loopback().withMaxGroupsPerConnection(3));
        small = ChatServer.start(Harness.loopback().withMaxLineBytes(LIMIT));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (small != null) small.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String before, int[] raw, String after) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(utf8(before));
        for (int x : raw) b.write(x);
        b.writeBytes(utf8(after));
        return b.toByteArray();
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("truncated JSON", utf8("{\"Join\":"), new String[] {"invalid JSON at column"}),
                Arguments.of("missing closing brace", utf8("{\"Join\":{\"group_name\":\"dogs\"}"), new String[] {"invalid JSON at column"}),
                Arguments.of("not JSON at all", utf8("join dogs"), new String[] {"invalid JSON at column"}),
                Arguments.of("single-quoted JSON", utf8("{'Join':{'group_name':'dogs'}}"), new String[] {"invalid JSON at column"}),
                Arguments.of("raw control character in a string", utf8("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"a\tb\"}}"),
                        new String[] {"invalid JSON at column"}),
                Arguments.of("truncated line, inside a string", utf8("{\"Join\":{\"group_name\":\"do"),
                        new String[] {"invalid JSON at column 26: the line ends inside a string"}),
                Arguments.of("truncated line, object left open", utf8("{\"Join\":{\"group_name\":\"dogs\"}"),
                        new String[] {"invalid JSON at column 30: unexpected end of the line; expected '}'"}),
                Arguments.of("array instead of object", utf8("[\"Join\",{\"group_name\":\"dogs\"}]"), new String[] {"expected a JSON object"}),
                Arguments.of("string instead of object", utf8("\"Join\""), new String[] {"expected a JSON object"}),
                Arguments.of("number instead of object", utf8("42"), new String[] {"expected a JSON object"}),
                Arguments.of("null instead of object", utf8("null"), new String[] {"expected a JSON object"}),
                Arguments.of("empty object", utf8("{}"), new String[] {"empty request", "Join, Post"}),
                Arguments.of("unknown request", utf8("{\"Dance\":{\"group_name\":\"dogs\"}}"),
                        new String[] {"unknown request 'Dance'", "Join, Post"}),
                Arguments.of("lower-case request name", utf8("{\"join\":{\"group_name\":\"dogs\"}}"),
                        new String[] {"unknown request 'join'"}),
                Arguments.of("missing group_name in Join", utf8("{\"Join\":{}}"), new String[] {"missing field 'group_name' in Join"}),
                Arguments.of("missing message in Post", utf8("{\"Post\":{\"group_name\":\"dogs\"}}"),
                        new String[] {"missing field 'message' in Post"}),
                Arguments.of("missing group_name in Post", utf8("{\"Post\":{\"message\":\"hi\"}}"),
                        new String[] {"missing field 'group_name' in Post"}),
                Arguments.of("number as group_name", utf8("{\"Join\":{\"group_name\":5}}"),
                        new String[] {"field 'group_name' of Join must be a string"}),
                Arguments.of("array as message", utf8("{\"Post\":{\"group_name\":\"dogs\",\"message\":[\"hi\"]}}"),
                        new String[] {"field 'message' of Post must be a string"}),
                Arguments.of("null as message", utf8("{\"Post\":{\"group_name\":\"dogs\",\"message\":null}}"),
                        new String[] {"field 'message' of Post must be a string"}),
                Arguments.of("variant body not an object", utf8("{\"Join\":\"dogs\"}"), new String[] {"'Join' must be an object"}),
                Arguments.of("duplicate field", utf8("{\"Join\":{\"group_name\":\"a\",\"group_name\":\"b\"}}"),
                        new String[] {"duplicate field 'group_name' in Join"}),
                Arguments.of("two requests in one object", utf8("{\"Join\":{\"group_name\":\"a\"},\"Post\":{}}"),
                        new String[] {"exactly one key"}),
                Arguments.of("second JSON value on the line", utf8("{\"Join\":{\"group_name\":\"a\"}} {}"),
                        new String[] {"unexpected data after the JSON object"}),
                Arguments.of("unpaired surrogate escape", utf8("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"\\ud800x\"}}"),
                        new String[] {"unpaired surrogate"}),
                Arguments.of("invalid UTF-8 byte 0xFF", bytes("{\"Join\":{\"group_name\":\"d", new int[] {0xFF}, "gs\"}}"),
                        new String[] {"invalid UTF-8 at byte 25"}),
                Arguments.of("overlong UTF-8 encoding", bytes("{\"Join\":{\"group_name\":\"", new int[] {0xC0, 0xAF}, "\"}}"),
                        new String[] {"invalid UTF-8 at byte 24"}),
                Arguments.of("UTF-8 encoded surrogate", bytes("{\"Join\":{\"group_name\":\"", new int[] {0xED, 0xA0, 0x80}, "\"}}"),
                        new String[] {"invalid UTF-8 at byte 24"}),
                Arguments.of("truncated UTF-8 sequence at end of line", bytes("{\"Join\":{\"group_name\":\"x\"}}", new int[] {0xE6, 0x97}, ""),
                        new String[] {"invalid UTF-8 at byte 28"}),
                Arguments.of("invalid UTF-8 outside any string", bytes("", new int[] {0x80}, "{\"Join\":{\"group_name\":\"x\"}}"),
                        new String[] {"invalid UTF-8 at byte 1"}),
                Arguments.of("empty group name", utf8("{\"Join\":{\"group_name\":\"\"}}"), new String[] {"group name must not be empty"}),
                Arguments.of("group name too long", utf8("{\"Join\":{\"group_name\":\"" + "g".repeat(257) + "\"}}"),
                        new String[] {"group name longer than 256 characters"}),
                Arguments.of("group name too long in code points", utf8("{\"Join\":{\"group_name\":\"" + "\uD83D\uDE00".repeat(257) + "\"}}"),
                        new String[] {"group name longer than 256 characters"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void badInputGetsANamedErrorAndTheConnectionCarriesOn(String what, byte[] line, String[] mentions) throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            byte[] withNewline = new byte[line.length + 1];
            System.arraycopy(line, 0, withNewline, 0, line.length);
            withNewline[line.length] = '\n';
            c.sendBytes(withNewline);

            String reply = c.readLine();
            FromServer decoded = Codec.decodeReply(reply.getBytes(StandardCharsets.UTF_8), 0, reply.getBytes(StandardCharsets.UTF_8).length);
            assertThat(decoded).as("reply to %s: %s", what, reply).isInstanceOf(FromServer.Error.class);
            String text = ((FromServer.Error) decoded).text();
            for (String m : mentions) assertThat(text).as("error for %s", what).containsIgnoringCase(m);
            // The error is a single line, exactly as the codec writes it.
            assertThat(reply + "\n").isEqualTo(new String(Codec.encodeError(text), StandardCharsets.UTF_8));

            // The same connection still works: a join/post round trip.
            String g = "after-" + GROUPS.incrementAndGet();
            c.join(g);
            c.post(g, "still here");
            c.expectLine(messageLine(g, "still here"));
        }
    }

    /** Input that breaks one of Jackson's stream-read constraints (all well inside the line limit). */
    static Stream<Arguments> linesOverJacksonConstraints() {
        return Stream.of(
                Arguments.of("nesting deeper than 64", utf8("{\"Join\":{\"group_name\":\"a\",\"x\":"
                        + "[".repeat(63) + "]".repeat(63) + "}}"), new String[] {"invalid JSON: nesting deeper than 64"}),
                Arguments.of("number longer than 1000 digits in an unknown field",
                        utf8("{\"Join\":{\"group_name\":\"a\",\"x\":" + "1".repeat(1001) + "}}"),
                        new String[] {"invalid JSON: a number longer than 1000 digits"}),
                Arguments.of("field name longer than 50000 characters",
                        utf8("{\"Join\":{\"group_name\":\"a\",\"" + "k".repeat(50_001) + "\":1}}"),
                        new String[] {"invalid JSON: a field name longer than 50000 characters"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("linesOverJacksonConstraints")
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void inputOverAJacksonConstraintGetsAnErrorAndTheConnectionCarriesOn(String what, byte[] line, String[] mentions)
            throws Exception {
        badInputGetsANamedErrorAndTheConnectionCarriesOn(what, line, mentions);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void manyBadLinesInOneWriteGetOneErrorEachInOrder() throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            c.sendBytes(utf8("{\"Dance\":{}}\n42\n{\"Join\":{}}\n\n{\"Post\":{\"group_name\":\"nowhere\",\"message\":\"x\"}}\n"));
            assertThat(c.readLine()).contains("unknown request 'Dance'");
            assertThat(c.readLine()).contains("expected a JSON object");
            assertThat(c.readLine()).contains("missing field 'group_name' in Join");
            c.expectLine(errorLine("Group 'nowhere' does not exist"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void groupNameAtTheLengthLimitIsAccepted() throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            String ascii = "a".repeat(256);
            String emoji = "\uD83D\uDE00".repeat(256); // 256 code points, 512 UTF-16 chars
            c.join(ascii);
            c.post(ascii, "long ascii");
            c.expectLine(messageLine(ascii, "long ascii"));
            c.join(emoji);
            c.post(emoji, "long emoji");
            c.expectLine(messageLine(emoji, "long emoji"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void joiningMoreGroupsThanTheLimitIsAnErrorAndRejoiningIsNot() throws Exception {
        try (TestClient c = TestClient.connect(server)) {
            c.join("lim-1");
            c.join("lim-2");
            c.join("lim-3");
            c.join("lim-4");
            c.expectLine(errorLine("Cannot join 'lim-4': a connection may belong to at most 3 groups"));
            c.join("lim-2"); // already a member: not a fourth group
            c.post("lim-2", "ok");
            c.expectLine(messageLine("lim-2", "ok"));
            assertThat(server.groups().get("lim-4")).isNull();
        }
    }

    // ------------------------------------------------------------------ the line-length limit,
    // on a server of its own with a 1 KiB limit

    /** A Post line padded to exactly {@code length} bytes (without terminator). */
    private static String postOfLength(String group, int length) {
        String empty = TestClient.postLine(group, "");
        String line = TestClient.postLine(group, "x".repeat(length - empty.length()));
        assertThat(line.getBytes(StandardCharsets.UTF_8)).hasSize(length);
        return line;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLineExactlyAtTheLimitIsAccepted() throws Exception {
        try (TestClient c = TestClient.connect(small)) {
            c.join("limit");
            String line = postOfLength("limit", LIMIT);
            c.send(line);
            String message = line.substring(line.indexOf("\"message\":\"") + 11, line.length() - 3);
            c.expectLine(messageLine("limit", message));
            // With CRLF the CR is not counted either.
            c.sendBytes(utf8(line + "\r\n"));
            c.expectLine(messageLine("limit", message));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLineOneByteOverTheLimitGetsAnErrorAndTheConnectionIsClosed() throws Exception {
        try (TestClient c = TestClient.connect(small)) {
            c.join("over");
            awaitMembers(small, "over", 1);
            c.send(postOfLength("over", LIMIT + 1));
            expectLimitErrorThenClose(c);
        }
        awaitMembers(small, "over", 0);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void fiveThousandBytesWithoutNewlineGetAnErrorAndTheConnectionIsClosed_othersUnaffected() throws Exception {
        try (TestClient victim = TestClient.connect(small); TestClient other = TestClient.connect(small)) {
            other.join("bystanders");
            victim.join("bystanders");
            awaitMembers(small, "bystanders", 2);

            victim.sendBytes("y".repeat(5000).getBytes(StandardCharsets.US_ASCII));
            expectLimitErrorThenClose(victim);

            awaitMembers(small, "bystanders", 1);
            other.post("bystanders", "unaffected");
            other.expectLine(messageLine("bystanders", "unaffected"));
        }
    }

    /**
     * Strictly as specified: Error, then a clean end of stream (FIN), even when the client reads
     * only after the server has closed. The client here waits before reading so that whatever the
     * server's close sends has certainly arrived.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anOverLongLineIsFollowedByACleanEndOfStream() throws Exception {
        try (TestClient c = TestClient.connect(small)) {
            c.sendBytes("y".repeat(5000).getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(20)).until(() -> small.connectionCount() == 0);
            Thread.sleep(200); // let the close's FIN or RST reach the client
            c.expectLine(errorLine("line too long: the limit is " + LIMIT + " bytes; closing the connection"));
            c.expectClosed(Duration.ofSeconds(20));
        }
    }

    /**
     * The error must arrive, then end of stream. The server closes with bytes of the long
     * line still unread, which makes the kernel answer with an RST; a reset after the error
     * line therefore also counts as "closed".
     */
    private static void expectLimitErrorThenClose(TestClient c) throws IOException {
        c.expectLine(errorLine("line too long: the limit is " + LIMIT + " bytes; closing the connection"));
        try {
            c.expectClosed(Duration.ofSeconds(20));
            System.out.println("BadInputTest: over-long line: Error, then end of stream");
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
            System.out.println("BadInputTest: over-long line: Error, then connection reset");
        }
    }
}
