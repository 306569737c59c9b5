package parley.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.net.ChatServer;
import parley.server.GroupBus;
import parley.server.ServerConfig;
import parley.server.SignIn;
import parley.server.Store;
import parley.testing.ChildServer;
import parley.testing.Harness;
import parley.testing.TestClient;

/** Direct messages over real sockets (docs/direct.md): delivery to every device, Sent, seqs, ids, storage, limits. */
@DisplayName("direct messages")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DirectMessagesTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Duration QUIET = Duration.ofMillis(300);
    private static final Pattern TS = Pattern.compile(",\"ts\":[0-9]+");
    private ChatServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private InetSocketAddress start(ServerConfig config) throws Exception {
        AccountBook book = new AccountBook(new MemoryAccountRecords(), new PasswordHasher(PasswordHasher.Params.DEFAULT),
                new HashPool());
        server = ChatServer.start(config, GroupBus.LOCAL, Store.NONE, null, null, new SignIn(book, null, true, false));
        return new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    private InetSocketAddress start() throws Exception {
        return start(Harness.loopback());
    }

    static TestClient register(InetSocketAddress at, String name) throws Exception {
        TestClient c = TestClient.connect(at);
        c.send(AccountsTest.register(name, "pass " + name));
        assertThat(c.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"" + name + "\"");
        return c;
    }

    static TestClient login(InetSocketAddress at, String name) throws Exception {
        TestClient c = TestClient.connect(at);
        c.send(AccountsTest.login(name, "pass " + name));
        assertThat(c.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"" + name + "\"");
        return c;
    }

    static String direct(String to, String message, String id) {
        return "{\"Direct\":{\"to\":\"" + to + "\",\"message\":\"" + message + "\",\"id\":\"" + id + "\"}}";
    }

    /** The line without its ts (checked to be a plausible time). */
    static String noTs(String line) {
        Matcher m = TS.matcher(line);
        assertThat(m.find()).as("a ts in %s", line).isTrue();
        assertThat(Math.abs(System.currentTimeMillis() - Long.parseLong(m.group().substring(6)))).isLessThan(86_400_000L);
        return line.substring(0, m.start()) + line.substring(m.end());
    }

    static void expect(TestClient c, String withoutTs) throws Exception {
        assertThat(noTs(c.readLine(WAIT))).isEqualTo(withoutTs);
    }

    @Test
    @DisplayName("a Direct reaches every connection of the recipient and the sender's other ones; Sent to the sender; seq per conversation")
    void deliveredToEveryDevice() throws Exception {
        InetSocketAddress at = start();
        try (TestClient a1 = register(at, "alice"); TestClient a2 = login(at, "alice"); TestClient b = register(at, "bob");
             TestClient c = register(at, "carol")) {
            a1.send(direct("bob", "hi", "c9"));
            String dm = "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"hi\",\"seq\":1}}";
            expect(b, dm);
            expect(a2, dm);
            expect(a1, "{\"Sent\":{\"to\":\"bob\",\"id\":\"c9\",\"seq\":1}}");
            b.send(direct("alice", "hello", "b1"));
            String reply = "{\"Direct\":{\"from\":\"bob\",\"to\":\"alice\",\"message\":\"hello\",\"seq\":2}}";
            expect(a1, reply);
            expect(a2, reply);
            expect(b, "{\"Sent\":{\"to\":\"alice\",\"id\":\"b1\",\"seq\":2}}");
            a2.send(direct("carol", "yo", "c1"));
            expect(c, "{\"Direct\":{\"from\":\"alice\",\"to\":\"carol\",\"message\":\"yo\",\"seq\":1}}");
            expect(a1, "{\"Direct\":{\"from\":\"alice\",\"to\":\"carol\",\"message\":\"yo\",\"seq\":1}}");
            expect(a2, "{\"Sent\":{\"to\":\"carol\",\"id\":\"c1\",\"seq\":1}}");
            b.expectNoLineWithin(QUIET);
            a1.send(direct("nobody", "hi", "x"));
            a1.expectLine("{\"Error\":\"no account named 'nobody'\"}");
        }
    }

    @Test
    @DisplayName("the same id to the same recipient again, after a reconnection, is not delivered or stored again and gets the same Sent")
    void exactlyOnceAcrossReconnection() throws Exception {
        InetSocketAddress at = start();
        try (TestClient b = register(at, "bob")) {
            String sent;
            try (TestClient a = register(at, "alice")) {
                a.send(direct("bob", "once", "k1"));
                sent = a.readLine(WAIT);
                assertThat(noTs(sent)).isEqualTo("{\"Sent\":{\"to\":\"bob\",\"id\":\"k1\",\"seq\":1}}");
            }
            expect(b, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"once\",\"seq\":1}}");
            try (TestClient a = login(at, "alice")) {
                a.send(direct("bob", "once", "k1"));
                a.expectLine(sent);
                a.send(direct("bob", "twice", "k2"));
                expect(a, "{\"Sent\":{\"to\":\"bob\",\"id\":\"k2\",\"seq\":2}}");
            }
            expect(b, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"twice\",\"seq\":2}}");
            b.send("{\"FetchDirect\":{\"with\":\"alice\",\"after\":0,\"limit\":50}}");
            expect(b, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"once\",\"seq\":1}}");
            expect(b, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"twice\",\"seq\":2}}");
            b.expectLine("{\"FetchedDirect\":{\"with\":\"alice\",\"count\":2,\"oldest\":1,\"newest\":2}}");
        }
    }

    @Test
    @DisplayName("a blocked sender gets the same Sent, but nothing is delivered or stored for the blocker; Unblock undoes it")
    void blocks() throws Exception {
        InetSocketAddress at = start();
        try (TestClient a = register(at, "alice"); TestClient b = register(at, "bob")) {
            b.send("{\"Block\":{\"name\":\"alice\"}}");
            b.expectLine("{\"Block\":{\"name\":\"alice\"}}");
            a.send(direct("bob", "let me in", "z1"));
            expect(a, "{\"Sent\":{\"to\":\"bob\",\"id\":\"z1\",\"seq\":1}}");
            b.expectNoLineWithin(QUIET);
            b.send("{\"Conversations\":{}}");
            b.expectLine("{\"Conversations\":[]}");
            b.send("{\"Unblock\":{\"name\":\"alice\"}}");
            b.expectLine("{\"Unblock\":{\"name\":\"alice\"}}");
            a.send(direct("bob", "better", "z2"));
            expect(b, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"better\",\"seq\":1}}");
            expect(a, "{\"Sent\":{\"to\":\"bob\",\"id\":\"z2\",\"seq\":1}}");
        }
    }

    @Test
    @DisplayName("past --direct-rate an account's Direct gets an Error naming the limit, over all its connections")
    void rateLimit() throws Exception {
        InetSocketAddress at = start(Harness.loopback().toBuilder().directRate(1).build()); // bursts of 5
        try (TestClient a1 = register(at, "alice"); TestClient a2 = login(at, "alice"); TestClient b = register(at, "bob")) {
            for (int i = 0; i < 5; i++) {
                (i % 2 == 0 ? a1 : a2).send(direct("bob", "m" + i, "r" + i));
                b.readLine(WAIT);
            }
            a2.send(direct("bob", "one more", "r5"));
            String error = a2.until(r -> r instanceof parley.protocol.FromServer.Error, WAIT).getLast().toString();
            assertThat(error).contains("sending direct messages too fast: at most 1 a second per account (--direct-rate;");
            b.expectNoLineWithin(QUIET);
        }
    }

    @Test
    @DisplayName("a connection not signed in to an account is told to sign in; bad fields get an Error naming them and the connection carries on")
    void refusals() throws Exception {
        InetSocketAddress at = start();
        try (TestClient anon = TestClient.hello(at, "zed"); TestClient a = register(at, "alice")) {
            anon.send(direct("alice", "hi", "q"));
            anon.expectLine("{\"Error\":\"direct messages need an account: sign in first with "
                    + "{\\\"Login\\\":{\\\"name\\\":\\\"...\\\",\\\"password\\\":\\\"...\\\"}}, Register or Auth\"}");
            a.send(direct("bob", "hi", ""));
            a.expectLine("{\"Error\":\"field 'id' of Direct must be 1 to 64 printable ASCII characters\"}");
            a.send("{\"Read\":{\"with\":\"alice\",\"seq\":-1}}");
            assertThat(a.readLine(WAIT)).startsWith("{\"Error\":\"field 'seq' of Read must be a whole number from 0 to ");
            a.send("{\"FetchDirect\":{\"with\":\"bob\",\"after\":1,\"before\":5}}");
            a.expectLine("{\"Error\":\"fields 'after' and 'before' of FetchDirect cannot be given together\"}");
            a.send("{\"Conversations\":{}}");
            a.expectLine("{\"Conversations\":[]}");
        }
    }

    @Test
    @DisplayName("a book client in a group gets exactly the book's bytes while direct messages flow")
    void bookClientUnchanged() throws Exception {
        InetSocketAddress at = start();
        try (TestClient book = TestClient.connect(at); TestClient a = register(at, "alice"); TestClient b = register(at, "bob")) {
            book.send("{\"Join\":{\"group_name\":\"dogs\"}}");
            a.send("{\"Join\":{\"group_name\":\"dogs\"}}");
            a.send(direct("bob", "psst", "p1"));
            expect(b, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"psst\",\"seq\":1}}");
            a.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
            book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
            book.expectNoLineWithin(QUIET);
        }
    }

    @Test
    @DisplayName("with a store: a DM to an offline account is there after a restart: unread in Welcome, Conversations, paging, Read on every connection")
    void offlineAcrossRestart(@TempDir Path dir) throws Exception {
        try (ChildServer child = new ChildServer(List.of("--data", dir.resolve("data").toString()), dir.resolve("server.log"))) {
            child.start();
            InetSocketAddress at = child.address();
            register(at, "bob").close();
            try (TestClient a = register(at, "alice")) {
                for (int i = 1; i <= 3; i++) {
                    a.send(direct("bob", "note " + i, "n" + i));
                    expect(a, "{\"Sent\":{\"to\":\"bob\",\"id\":\"n" + i + "\",\"seq\":" + i + "}}");
                }
            }
            child.stop();
            child.start();
            try (TestClient b1 = TestClient.connect(at); TestClient b2 = TestClient.connect(at)) {
                b1.send(AccountsTest.login("bob", "pass bob"));
                assertThat(b1.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"bob\"").endsWith(",\"account\":true,\"unread\":3}}");
                b2.send(AccountsTest.login("bob", "pass bob"));
                b2.readLine(WAIT);
                b1.send("{\"Conversations\":{}}");
                b1.expectLine("{\"Conversations\":[{\"with\":\"alice\",\"newest\":3,\"read\":0}]}");
                b1.send("{\"FetchDirect\":{\"with\":\"alice\",\"before\":3,\"limit\":1}}");
                expect(b1, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"note 2\",\"seq\":2}}");
                b1.expectLine("{\"FetchedDirect\":{\"with\":\"alice\",\"count\":1,\"oldest\":1,\"newest\":3}}");
                b1.send("{\"FetchDirect\":{\"with\":\"alice\",\"limit\":50}}");
                for (int i = 1; i <= 3; i++) {
                    expect(b1, "{\"Direct\":{\"from\":\"alice\",\"to\":\"bob\",\"message\":\"note " + i + "\",\"seq\":" + i + "}}");
                }
                b1.expectLine("{\"FetchedDirect\":{\"with\":\"alice\",\"count\":3,\"oldest\":1,\"newest\":3}}");
                b1.send("{\"Read\":{\"with\":\"alice\",\"seq\":2}}");
                b1.expectLine("{\"Read\":{\"with\":\"alice\",\"seq\":2}}");
                b2.expectLine("{\"Read\":{\"with\":\"alice\",\"seq\":2}}");
            }
            child.stop();
            child.start();
            try (TestClient b = TestClient.connect(at)) {
                b.send(AccountsTest.login("bob", "pass bob"));
                assertThat(b.readLine(WAIT)).endsWith(",\"account\":true,\"unread\":1}}");
                b.send("{\"Conversations\":{}}");
                b.expectLine("{\"Conversations\":[{\"with\":\"alice\",\"newest\":3,\"read\":2}]}");
            }
            child.stop();
        }
    }
}
