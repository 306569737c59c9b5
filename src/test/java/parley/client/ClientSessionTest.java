package parley.client;

import java.util.concurrent.BlockingQueue;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.server.Group;
import parley.server.ServerConfig;
import parley.testing.QueueInput;

/**
 * The terminal client end to end: a script on its standard input, an in-process server (or a fake
 * one on a raw socket), and the exact text it prints.
 */
@DisplayName("ChatClient session")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientSessionTest {
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ChatServer server;
    private ExecutorService threads;

    @BeforeEach
    void startServer() throws IOException {
        server = ChatServer.start(ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)));
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
        threads.shutdownNow();
    }

    // ------------------------------------------------------------------ helpers

    /** A client's captured output streams. */
    static final class Terminal {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, UTF_8);

        String out() {
            return outBytes.toString(UTF_8);
        }

        String err() {
            return errBytes.toString(UTF_8);
        }
    }

    private int run(InetSocketAddress address, Reader stdin, Terminal t, Duration linger) {
        return ChatClient.run(address, new BufferedReader(stdin), t.out, t.err, linger);
    }

    private int run(String script, Terminal t) {
        return run(server.address(), new StringReader(script), t, LINGER);
    }

    private CompletableFuture<Integer> start(Reader stdin, Terminal t) {
        return start(server.address(), stdin, t, LINGER);
    }

    private CompletableFuture<Integer> start(InetSocketAddress address, Reader stdin, Terminal t, Duration linger) {
        return CompletableFuture.supplyAsync(() -> run(address, stdin, t, linger), threads);
    }

    private int membersOf(String group) {
        Group g = server.groups().get(group);
        return g == null ? 0 : g.members();
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    /** A one-connection fake server on a raw socket; {@code script} runs with the accepted socket. */
    private CompletableFuture<Void> fakeServer(ServerSocket listener, SocketScript script) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout((int) WAIT.toMillis());
                script.run(s);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
    }

    interface SocketScript {
        void run(Socket s) throws IOException;
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static InetSocketAddress addressOf(ServerSocket s) {
        return new InetSocketAddress("127.0.0.1", s.getLocalPort());
    }

    // ------------------------------------------------------------------ against the real server

    @Test
    @DisplayName("join, post, post to a missing group: one message and one error, exit 0")
    void scriptedSession() {
        Terminal t = new Terminal();
        int code = run("join dogs\npost dogs hello\npost cats meow\n", t);

        assertThat(code).isZero();
        assertThat(t.err()).isEmpty();
        assertThat(t.out()).endsWith("\n");
        // A reply follows the group messages the connection's own earlier requests caused.
        assertThat(t.out()).isEqualTo("message posted to dogs: hello\n"
                + "error from server: Group 'cats' does not exist\n");
    }

    @Test
    @DisplayName("replies are printed in the order the server answered requests of the same kind")
    void errorsInRequestOrder() {
        Terminal t = new Terminal();
        int code = run("post a 1\npost b 2\njoin\njoin \npost c 3\n", t);

        assertThat(code).isZero();
        assertThat(t.out()).isEqualTo("error from server: Group 'a' does not exist\n"
                + "error from server: Group 'b' does not exist\n"
                + "error from server: Group 'c' does not exist\n");
        assertThat(lines(t.err())).hasSize(2).allSatisfy(l -> assertThat(l).contains("join"));
    }

    @Test
    @DisplayName("messages of one group arrive complete and in order")
    void groupMessagesInOrder() {
        StringBuilder script = new StringBuilder("join dogs\n");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            script.append("post dogs message ").append(i).append('\n');
            expected.append("message posted to dogs: message ").append(i).append('\n');
        }
        Terminal t = new Terminal();
        assertThat(run(script.toString(), t)).isZero();
        assertThat(t.out()).isEqualTo(expected.toString());
        assertThat(t.err()).isEmpty();
    }

    @Test
    @DisplayName("an unknown command prints one hint on stderr, nothing on stdout, exit 0")
    void unknownCommand() {
        Terminal t = new Terminal();
        int code = run("dance\n", t);

        assertThat(code).isZero();
        assertThat(t.out()).isEmpty();
        assertThat(lines(t.err())).singleElement().asString().contains("'dance'");
    }

    @Test
    @DisplayName("blank lines are skipped and the message keeps its inner and trailing spaces")
    void blankLinesAndSpaces() {
        Terminal t = new Terminal();
        int code = run("\n   \njoin dogs\n\t\npost dogs   a  b \n", t);

        assertThat(code).isZero();
        assertThat(t.out()).isEqualTo("message posted to dogs: a  b \n");
        assertThat(t.err()).isEmpty();
    }

    @Test
    @DisplayName("non-ASCII messages round-trip: accents, CJK, emoji")
    void unicodeRoundTrip() {
        Terminal t = new Terminal();
        int code = run("join dogs\npost dogs héllo 日本 😀\n", t);

        assertThat(code).isZero();
        assertThat(t.out()).isEqualTo("message posted to dogs: héllo 日本 😀\n");
        assertThat(t.err()).isEmpty();
    }

    @Test
    @DisplayName("non-ASCII group names round-trip, and the error names the group")
    void unicodeGroupName() {
        Terminal t = new Terminal();
        int code = run("join 犬\npost 犬 ワン\npost 猫 にゃー\n", t);

        assertThat(code).isZero();
        assertThat(t.out()).isEqualTo("message posted to 犬: ワン\n"
                + "error from server: Group '猫' does not exist\n");
    }

    @Test
    @DisplayName("two clients: B's post reaches A, who joined earlier")
    void twoClients() throws Exception {
        Terminal a = new Terminal();
        QueueInput aIn = new QueueInput();
        CompletableFuture<Integer> aExit = start(aIn, a);
        aIn.send("join dogs");
        await().atMost(WAIT).until(() -> membersOf("dogs") == 1);

        Terminal b = new Terminal();
        assertThat(run("post dogs hi from B\npost dogs 😀 second\n", b)).isZero();
        assertThat(b.out()).as("B is not a member of dogs").isEmpty();
        assertThat(b.err()).isEmpty();

        String expected = "message posted to dogs: hi from B\nmessage posted to dogs: 😀 second\n";
        await().atMost(WAIT).until(() -> a.out().equals(expected));

        aIn.end();
        assertThat(aExit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(a.out()).isEqualTo(expected);
        assertThat(a.err()).isEmpty();
        await().atMost(WAIT).until(() -> server.connectionCount() == 0);
        assertThat(server.groups().get("dogs")).as("the group goes with its last member").isNull();
    }

    @Test
    @DisplayName("list and who follow the pages: a line per page of 100; piped, the first page and (more)")
    void pages() throws Exception {
        Terminal a = new Terminal();
        QueueInput aIn = new QueueInput();
        CompletableFuture<Integer> aExit = start(aIn, a);
        StringBuilder first = new StringBuilder("groups: ");
        StringBuilder second = new StringBuilder("groups: ");
        for (int i = 0; i < 150; i++) {
            String g = String.format("g%03d", i);
            aIn.send("join " + g);
            StringBuilder page = i < 100 ? first : second;
            if (i != 0 && i != 100) page.append(", ");
            page.append(g).append(" (1 member)");
        }
        await().atMost(WAIT).until(() -> server.groups().size() == 150 && membersOf("g149") == 1);
        aIn.send("list");
        String expected = first + "\n" + second + "\n";
        await().atMost(WAIT).until(() -> a.out().equals(expected));

        Terminal b = new Terminal();
        assertThat(run("list\n", b)).isZero();
        List<String> got = lines(b.out());
        assertThat(got.getFirst()).isEqualTo(first.toString());
        // Its input ended at once, so it cannot ask for more: it says so (or, if the summary came
        // before it saw the end of its input, it asked and shows the next page).
        assertThat(got.subList(1, got.size())).isIn(List.of("(more)"), List.of(second.toString()));
        aIn.end();
        assertThat(aExit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    @Test
    @DisplayName("on a terminal, join is confirmed with the member count the server gives, and leave is confirmed")
    void terminalJoinConfirmation() throws Exception {
        Terminal other = new Terminal();
        QueueInput otherIn = new QueueInput();
        CompletableFuture<Integer> otherExit = start(otherIn, other);
        otherIn.send("join dogs").send("join dogsz").send("join dogr");
        await().atMost(WAIT).until(() -> membersOf("dogs") == 1 && membersOf("dogr") == 1 && membersOf("dogsz") == 1);

        StoreProtocolClientTest.RecordingConsole console = new StoreProtocolClientTest.RecordingConsole();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                ChatClient.run(List.of(server.address()), ClientSecurity.NONE, console, LINGER), threads);
        console.type("join dogs");
        console.type("join dog");
        console.type("nick ann");
        console.type("join 犬");
        await().atMost(WAIT).until(() -> console.shown.size() >= 4);
        console.type("leave dogs");
        console.end();
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(console.shown).containsExactly("joined dogs (2 members)", "joined dog (1 member)",
                "welcome, ann (parley " + parley.server.Version.current() + ")", "joined 犬 (1 member)", "left dogs");
        otherIn.end();
        assertThat(otherExit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    @Test
    @DisplayName("two members both get the message, poster included")
    void posterAlsoReceives() throws Exception {
        Terminal a = new Terminal();
        QueueInput aIn = new QueueInput();
        CompletableFuture<Integer> aExit = start(aIn, a);
        aIn.send("join dogs");
        await().atMost(WAIT).until(() -> membersOf("dogs") == 1);

        Terminal b = new Terminal();
        assertThat(run("join dogs\npost dogs woof\n", b)).isZero();
        assertThat(b.out()).isEqualTo("message posted to dogs: woof\n");
        await().atMost(WAIT).until(() -> a.out().equals("message posted to dogs: woof\n"));

        aIn.end();
        assertThat(aExit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    @Test
    @DisplayName("the server closing first: exit 1 and a note on stderr")
    void serverClosesFirst() throws Exception {
        Terminal t = new Terminal();
        QueueInput stdin = new QueueInput(); // never ends
        CompletableFuture<Integer> exit = start(stdin, t);
        stdin.send("join dogs");
        await().atMost(WAIT).until(() -> membersOf("dogs") == 1);

        server.close();

        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(t.err()).contains("the server closed the connection");
        assertThat(t.out()).isEqualTo("error from server: server shutting down\n");
    }

    @Test
    @DisplayName("nothing listening: exit 1 and a clear message")
    void connectionRefused() throws IOException {
        int port;
        try (ServerSocket s = listen()) {
            port = s.getLocalPort();
        }
        Terminal t = new Terminal();
        int code = run(new InetSocketAddress("127.0.0.1", port), new StringReader("join dogs\n"), t, LINGER);

        assertThat(code).isEqualTo(1);
        assertThat(t.out()).isEmpty();
        assertThat(lines(t.err())).singleElement().asString()
                .contains("cannot connect to 127.0.0.1:" + port)
                .containsIgnoringCase("refused");
    }

    // ------------------------------------------------------------------ against a fake server

    @Test
    @DisplayName("sends the book's exact bytes, then half-closes at end of input")
    void sendsExactBytes() throws Exception {
        try (ServerSocket listener = listen()) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            CompletableFuture<Void> peer = fakeServer(listener, s -> {
                s.getInputStream().transferTo(received); // until the client's half-close
            });
            Terminal t = new Terminal();
            int code = run(addressOf(listener), new StringReader("join dogs\n\npost dogs  hello world\ndance\npost 日本 é😀\n"), t, LINGER);
            peer.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(code).isZero();
            assertThat(received.toString(UTF_8)).isEqualTo(
                    "{\"Join\":{\"group_name\":\"dogs\"}}\n"
                            + "{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hello world\"}}\n"
                            + "{\"Post\":{\"group_name\":\"日本\",\"message\":\"é😀\"}}\n");
            assertThat(t.out()).isEmpty();
        }
    }

    @Test
    @DisplayName("prints replies framed by CRLF, skips blank lines, reports unreadable ones and carries on")
    void toleratesOddReplies() throws Exception {
        try (ServerSocket listener = listen()) {
            CompletableFuture<Void> peer = fakeServer(listener, s -> {
                OutputStream o = s.getOutputStream();
                o.write(("{\"Error\":\"crlf\"}\r\n\r\n  \n"
                        + "garbage\n"
                        + "{\"Message\":{\"seq\":7,\"message\":\"m\\u00e9\",\"group_name\":\"g\",\"from\":\"x\"}}\n"
                        + "{\"Nope\":1}\n"
                        + "{\"Error\":\"last, unterminated\"}").getBytes(UTF_8));
                o.flush();
                s.shutdownOutput();
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
            });
            Terminal t = new Terminal();
            QueueInput stdin = new QueueInput();
            CompletableFuture<Integer> exit = start(addressOf(listener), stdin, t, LINGER);

            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(t.out()).isEqualTo("error from server: crlf\n"
                    + "message posted to g by x: mé\n"
                    + "error from server: last, unterminated\n");
            assertThat(lines(t.err())).satisfiesExactly(
                    l -> assertThat(l).contains("unreadable reply").contains("invalid JSON"),
                    l -> assertThat(l).contains("unreadable reply").contains("unknown reply 'Nope'"),
                    l -> assertThat(l).contains("the server closed the connection"));
            stdin.end();
            peer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a server that never closes after end of input: the client waits the linger, then exits 0")
    void lingerBoundsTheWait() throws Exception {
        try (ServerSocket listener = listen()) {
            CountDownLatch clientReturned = new CountDownLatch(1);
            CompletableFuture<Void> peer = fakeServer(listener, s -> {
                InputStream in = s.getInputStream();
                in.transferTo(OutputStream.nullOutputStream()); // read to the client's half-close
                s.getOutputStream().write("{\"Error\":\"still here\"}\n".getBytes(UTF_8));
                // ... and keep the connection open until the client has given up waiting.
                try {
                    clientReturned.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Terminal t = new Terminal();
            int code = run(addressOf(listener), new StringReader("join dogs\n"), t, Duration.ofMillis(300));
            clientReturned.countDown();

            assertThat(code).isZero();
            assertThat(t.err()).isEmpty();
            peer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a deeply nested reply is reported as unreadable and the client carries on")
    void deeplyNestedReply() throws Exception {
        try (ServerSocket listener = listen()) {
            CompletableFuture<Void> peer = fakeServer(listener, s -> {
                OutputStream o = s.getOutputStream();
                o.write(("{\"Message\":{\"group_name\":\"g\",\"message\":\"m\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}}\n"
                        + "{\"Error\":\"after\"}\n").getBytes(UTF_8));
                o.flush();
                s.shutdownOutput();
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
            });
            Terminal t = new Terminal();
            QueueInput stdin = new QueueInput();
            CompletableFuture<Integer> exit = start(addressOf(listener), stdin, t, LINGER);
            try {
                assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(t.out()).isEqualTo("error from server: after\n");
                assertThat(t.err()).contains("unreadable reply").contains("the server closed the connection");
            } finally {
                stdin.end();
                peer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }
}
