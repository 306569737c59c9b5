package parley.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.net.ChatServer;
import parley.protocol.FromServer;
import parley.server.GroupBus;
import parley.server.SignIn;
import parley.server.Store;
import parley.store.SqliteStore;
import parley.store.StoreOptions;
import parley.testing.Harness;
import parley.testing.TestClient;
import picocli.CommandLine;

/** Accounts over real sockets: Register, Login, reserved names, the limits, Password, several connections. */
@DisplayName("accounts")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccountsTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    private ChatServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private InetSocketAddress start(AccountRecords records, boolean open, boolean required) throws Exception {
        return start(records, Store.NONE, open, required);
    }

    private InetSocketAddress start(AccountRecords records, Store store, boolean open, boolean required) throws Exception {
        AccountBook book = new AccountBook(records, new PasswordHasher(PasswordHasher.Params.DEFAULT), new HashPool());
        server = ChatServer.start(Harness.loopback(), GroupBus.LOCAL, store, null, null,
                new SignIn(book, null, open, required));
        return new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    static String register(String name, String password) {
        return "{\"Register\":{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}}";
    }

    static String login(String name, String password) {
        return "{\"Login\":{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}}";
    }

    static void expectAccountWelcome(TestClient c, String name) throws Exception {
        String line = c.readLine(WAIT);
        assertThat(line).startsWith("{\"Welcome\":{\"name\":\"" + name + "\",").endsWith(",\"account\":true}}");
        assertThat(line).doesNotContain("password");
    }

    @Test
    @DisplayName("register, sign in elsewhere, a registered name is reserved, anonymous names still work")
    void lifeCycle() throws Exception {
        InetSocketAddress at = start(new MemoryAccountRecords(), true, false);
        try (TestClient a = TestClient.connect(at); TestClient b = TestClient.connect(at); TestClient c = TestClient.connect(at)) {
            a.send(register("alice", "correct horse"));
            expectAccountWelcome(a, "alice");
            b.send("{\"Hello\":{\"name\":\"alice\"}}");
            b.expectLine("{\"Error\":\"name 'alice' is registered; sign in to use it\"}");
            b.send(register("alice", "another one"));
            b.expectLine("{\"Error\":\"name 'alice' is already registered\"}");
            b.send("{\"Hello\":{\"name\":\"bob\"}}");
            assertThat(b.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"bob\"").doesNotContain("account");
            c.send(login("alice", "correct horse"));
            expectAccountWelcome(c, "alice");
            // Signed in, Hello may only repeat the account's name.
            c.send("{\"Hello\":{\"name\":\"carol\"}}");
            c.expectLine("{\"Error\":\"signed in as 'alice': Hello must use that name\"}");
            c.send(login("alice", "correct horse"));
            c.expectLine("{\"Error\":\"already signed in as 'alice'\"}");
        }
    }

    @Test
    @DisplayName("a wrong password and an unknown name get the same Error; failures are limited per name and per address")
    void wrongCredentialsAndLimits() throws Exception {
        InetSocketAddress at = start(new MemoryAccountRecords(), true, false);
        try (TestClient a = TestClient.connect(at); TestClient b = TestClient.connect(at)) {
            a.send(register("alice", "correct horse"));
            expectAccountWelcome(a, "alice");
            b.send(login("alice", "wrong")).send(login("nobody", "correct horse"));
            String wrongPassword = b.readLine(WAIT);
            String unknownName = b.readLine(WAIT);
            assertThat(wrongPassword).isEqualTo("{\"Error\":\"wrong name or password\"}").isEqualTo(unknownName);
            // 5 failures against one name a minute: the 5th wrong one is still checked, then even the right one is refused.
            for (int i = 2; i <= 5; i++) {
                b.send(login("alice", "wrong" + i));
                b.expectLine("{\"Error\":\"wrong name or password\"}");
            }
            b.send(login("alice", "correct horse"));
            b.expectLine("{\"Error\":\"too many failed sign-ins: try again in a minute\"}");
            // Per address: 10 failures a minute whatever the names (1 on 'nobody' and 5 on 'alice' so far).
            for (int i = 0; i < 4; i++) {
                b.send(login("user" + i, "x-" + i));
                b.expectLine("{\"Error\":\"wrong name or password\"}");
            }
            b.send(login("fresh", "whatever"));
            b.expectLine("{\"Error\":\"too many failed sign-ins: try again in a minute\"}");
        }
    }

    @Test
    @DisplayName("Password changes the password: the old one stops working, the new one works")
    void passwordChange() throws Exception {
        InetSocketAddress at = start(new MemoryAccountRecords(), true, false);
        try (TestClient a = TestClient.connect(at)) {
            a.send("{\"Password\":{\"old\":\"x\",\"new\":\"yyyyyy\"}}");
            a.expectLine("{\"Error\":\"not signed in to an account: Login first to change its password\"}");
            a.send(register("alice", "first pass"));
            expectAccountWelcome(a, "alice");
            a.send("{\"Password\":{\"old\":\"not it\",\"new\":\"second pass\"}}");
            a.expectLine("{\"Error\":\"wrong password\"}");
            a.send("{\"Password\":{\"old\":\"first pass\",\"new\":\"second pass\"}}");
            expectAccountWelcome(a, "alice");
        }
        try (TestClient b = TestClient.connect(at)) {
            b.send(login("alice", "first pass"));
            b.expectLine("{\"Error\":\"wrong name or password\"}");
            b.send(login("alice", "second pass"));
            expectAccountWelcome(b, "alice");
        }
    }

    @Test
    @DisplayName("one account on three connections: each is a member, posts reach all three, Members lists it once; the book's bytes are unchanged")
    void threeConnections() throws Exception {
        InetSocketAddress at = start(new MemoryAccountRecords(), true, false);
        try (TestClient a1 = TestClient.connect(at); TestClient a2 = TestClient.connect(at);
             TestClient a3 = TestClient.connect(at); TestClient book = TestClient.connect(at)) {
            a1.send(register("alice", "correct horse"));
            expectAccountWelcome(a1, "alice");
            for (TestClient c : List.of(a2, a3)) {
                c.send(login("alice", "correct horse"));
                expectAccountWelcome(c, "alice");
            }
            for (TestClient c : List.of(a1, a2, a3, book)) c.join("dogs");
            Harness.awaitMembers(server, "dogs", 4);
            book.post("dogs", "woof");
            for (TestClient c : List.of(a1, a2, a3)) {
                List<FromServer> got = c.until(p -> p instanceof FromServer.Message, WAIT);
                assertThat(((FromServer.Message) got.getLast()).message()).isEqualTo("woof");
            }
            a2.post("dogs", "hi from alice");
            assertThat(book.readLine(WAIT)).isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof\"}}");
            // The book's client gets exactly the book's bytes: no from, no seq, no ts.
            assertThat(new String(book.readLineBytes(WAIT), StandardCharsets.UTF_8))
                    .isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi from alice\"}}");
            for (TestClient c : List.of(a1, a2, a3)) {
                List<FromServer> got = c.until(p -> p instanceof FromServer.Message m && m.message().startsWith("hi"), WAIT);
                assertThat(((FromServer.Message) got.getLast()).from()).isEqualTo("alice");
            }
            a3.send("{\"Members\":{\"group_name\":\"dogs\"}}");
            List<FromServer> got = a3.until(p -> p instanceof FromServer.Members, WAIT);
            assertThat(((FromServer.Members) got.getLast()).names()).containsExactly("alice");
        }
    }

    @Test
    @DisplayName("--accounts required: nothing but a sign-in until signed in")
    void accountsRequired() throws Exception {
        InetSocketAddress at = start(new MemoryAccountRecords(), true, true);
        try (TestClient a = TestClient.connect(at)) {
            String required = "{\"Error\":\"this server requires an account: sign in first with "
                    + "{\\\"Login\\\":{\\\"name\\\":\\\"...\\\",\\\"password\\\":\\\"...\\\"}}, Register or Auth\"}";
            a.send("{\"Hello\":{\"name\":\"zed\"}}");
            a.expectLine(required);
            a.join("dogs");
            a.expectLine(required);
            a.send(register("zed", "zed's pass"));
            expectAccountWelcome(a, "zed");
            a.join("dogs").post("dogs", "in");
            List<FromServer> got = a.until(p -> p instanceof FromServer.Message, WAIT);
            assertThat(((FromServer.Message) got.getLast()).from()).isEqualTo("zed");
        }
    }

    @Test
    @DisplayName("--registration closed: Register is refused; parley accounts add (stdin) makes the account, kept in the store")
    void registrationClosedAndAccountsAdd(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        InputStream stdin = System.in;
        int code;
        try {
            System.setIn(new ByteArrayInputStream("carol's password\n".getBytes(StandardCharsets.UTF_8)));
            CommandLine cl = parley.cli.Main.commandLine();
            cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
            code = cl.execute("accounts", "add", "--data", dir.toString(), "carol");
        } finally {
            System.setIn(stdin);
        }
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("added 'carol'").doesNotContain("password");

        SqliteStore store = SqliteStore.open(StoreOptions.defaults(dir, 10));
        InetSocketAddress at = start(store.accounts(), store, false, false);
        try (TestClient a = TestClient.connect(at)) {
            a.send(register("dave", "dave's password"));
            a.expectLine("{\"Error\":\"registration is closed on this server: ask its operator for an account\"}");
            a.send(login("carol", "carol's password"));
            expectAccountWelcome(a, "carol");
        }
        try (TestClient b = TestClient.connect(at)) {
            b.send("{\"Hello\":{\"name\":\"carol\"}}");
            b.expectLine("{\"Error\":\"name 'carol' is registered; sign in to use it\"}");
        }
    }
}
