package parley.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import parley.accounts.AccountBook;
import parley.accounts.AccountRecords;
import parley.accounts.HashPool;
import parley.accounts.MemoryAccountRecords;
import parley.accounts.PasswordHasher;
import parley.http.HttpFrontend;
import parley.log.Log;
import parley.net.ChatServer;
import parley.protocol.FromServer;
import parley.server.GroupBus;
import parley.server.ServerConfig;
import parley.server.SignIn;
import parley.server.Store;
import parley.store.SqliteStore;
import parley.store.StoreOptions;
import parley.testing.Harness;
import parley.testing.Scrape;
import parley.testing.TestClient;

/** Group moderation over real sockets: the main paths of docs/moderation.md, end to end. */
@DisplayName("moderation over sockets")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModerationSocketTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    private ChatServer server;
    private InetSocketAddress at;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private void start(AccountRecords records, Store store, ServerConfig config) throws Exception {
        AccountBook book = new AccountBook(records, new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)), new HashPool());
        server = ChatServer.start(config, GroupBus.LOCAL, store, null, null, new SignIn(book, null, true, false));
        at = new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    private void start() throws Exception {
        start(new MemoryAccountRecords(), Store.NONE, Harness.loopback().toBuilder().admins(List.of("ada")).build());
    }

    /** A connection signed in to a new (or existing) account, its Welcome read. */
    private TestClient account(String name, boolean register) throws Exception {
        TestClient c = TestClient.connect(at);
        c.send(register ? "{\"Register\":{\"name\":\"" + name + "\",\"password\":\"pw-" + name + "-123\"}}"
                : "{\"Login\":{\"name\":\"" + name + "\",\"password\":\"pw-" + name + "-123\"}}");
        assertThat(c.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"" + name + "\"");
        return c;
    }

    private static FromServer.GroupEvent event(TestClient c) throws Exception {
        String line = c.readLine(WAIT);
        assertThat(line).startsWith("{\"GroupEvent\":");
        return (FromServer.GroupEvent) TestClient.decode(line);
    }

    private static FromServer.GroupDetails info(TestClient c, String group) throws Exception {
        c.send("{\"GroupInfo\":{\"group_name\":\"" + group + "\"}}");
        String line = c.readLine(WAIT);
        assertThat(line).startsWith("{\"GroupInfo\":");
        return (FromServer.GroupDetails) TestClient.decode(line);
    }

    @Test
    @DisplayName("the creator owns the group; op, topic and modes are announced in order; GroupInfo and the joiner's Topic say so")
    void ownerOperatorTopic() throws Exception {
        start();
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true);
             TestClient carol = account("carol", true)) {
            alice.join("g");
            info(alice, "g"); // alice's Join is served first: she made the group
            bob.join("g");
            info(bob, "g");
            assertThat(info(alice, "g")).isEqualTo(new FromServer.GroupDetails("g", "alice", List.of(), null,
                    FromServer.Modes.OPEN, 2));
            bob.send("{\"Op\":{\"group_name\":\"g\",\"name\":\"carol\"}}");
            bob.expectLine("{\"Error\":\"only the owner of 'g' can op\"}");
            bob.send("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"x\"}}");
            bob.expectLine("{\"Error\":\"you must be an operator of 'g' to set the topic\"}");
            alice.send("{\"Op\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            for (TestClient c : List.of(alice, bob)) {
                FromServer.GroupEvent e = event(c);
                assertThat(e.kind()).isEqualTo("op");
                assertThat(e.by()).isEqualTo("alice");
                assertThat(e.name()).isEqualTo("bob");
                assertThat(e.seq()).isPositive();
                assertThat(e.ts()).isPositive();
            }
            bob.send("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"walks at noon\"}}");
            bob.post("g", "hello");
            for (TestClient c : List.of(alice, bob)) {
                FromServer.GroupEvent e = event(c);
                assertThat(e.kind()).isEqualTo("topic");
                assertThat(e.topic()).isEqualTo("walks at noon");
                assertThat(((FromServer.Message) TestClient.decode(c.readLine(WAIT))).seq()).isEqualTo(e.seq() + 1);
            }
            carol.join("g");
            String topic = carol.readLine(WAIT);
            assertThat(topic).startsWith("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"walks at noon\",\"by\":\"bob\",\"ts\":");
            assertThat(info(carol, "g")).isEqualTo(new FromServer.GroupDetails("g", "alice", List.of("bob"), "walks at noon",
                    FromServer.Modes.OPEN, 3));
            alice.send("{\"Owner\":{\"group_name\":\"g\",\"name\":\"carol\"}}");
            assertThat(event(carol).kind()).isEqualTo("owner");
            assertThat(info(carol, "g").owner()).isEqualTo("carol");
            assertThat(info(carol, "g").operators()).containsExactly("alice", "bob");
        }
    }

    @Test
    @DisplayName("kick and ban reach every connection of the account, which then leaves; others see Left; a banned account cannot join")
    void kickAndBanSeveralConnections() throws Exception {
        start();
        try (TestClient alice = account("alice", true); TestClient bob1 = account("bob", true);
             TestClient bob2 = account("bob", false); TestClient carol = account("carol", true)) {
            alice.join("g");
            info(alice, "g");
            for (TestClient c : List.of(bob1, bob2, carol)) c.join("g");
            info(bob1, "g");
            info(bob2, "g");
            info(carol, "g"); // every Join is served
            carol.seePresence();
            alice.send("{\"Kick\":{\"group_name\":\"g\",\"name\":\"bob\",\"reason\":\"rude\"}}");
            for (TestClient c : List.of(alice, bob1, bob2, carol)) {
                FromServer.GroupEvent e = event(c);
                assertThat(e.kind()).isEqualTo("kick");
                assertThat(e.name()).isEqualTo("bob");
                assertThat(e.reason()).isEqualTo("rude");
            }
            carol.expectLine("{\"Left\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            carol.expectLine("{\"Left\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            alice.post("g", "after the kick");
            carol.readLine(WAIT);
            alice.readLine(WAIT);
            bob1.send("{\"Leave\":{\"group_name\":\"g\"}}");
            bob1.expectLine("{\"Error\":\"not a member of 'g'\"}"); // nothing of g reached it since
            // A kicked account may come back; a banned one may not.
            bob1.join("g");
            bob2.join("g");
            info(bob1, "g");
            info(bob2, "g");
            carol.expectLine("{\"Joined\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            carol.expectLine("{\"Joined\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            alice.send("{\"Ban\":{\"group_name\":\"g\",\"name\":\"bob\",\"reason\":\"spam\",\"for\":\"1h\"}}");
            for (TestClient c : List.of(bob1, bob2, carol)) {
                FromServer.GroupEvent e = event(c);
                assertThat(e.kind()).isEqualTo("ban");
                assertThat(e.until()).isGreaterThan(System.currentTimeMillis() + 3_500_000);
            }
            carol.expectLine("{\"Left\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            carol.expectLine("{\"Left\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            bob1.join("g");
            bob1.expectLine("{\"Error\":\"you are banned from 'g'\"}");
            bob1.post("g", "sneaking in");
            bob1.expectLine("{\"Error\":\"you are banned from 'g'\"}");
            alice.send("{\"Ban\":{\"group_name\":\"g\",\"name\":\"nobody\"}}");
            assertThat(alice.readLine(WAIT)).contains("\"kind\":\"ban\""); // its own, earlier
            alice.expectLine("{\"Error\":\"no account named 'nobody'\"}");
            alice.send("{\"Unban\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            assertThat(event(alice).kind()).isEqualTo("unban");
            bob1.join("g");
            assertThat(info(bob1, "g").members()).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("invite-only and private groups: hidden from List, refused to the uninvited and to anonymous connections")
    void inviteOnlyAndPrivate() throws Exception {
        start();
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true);
             TestClient anon = TestClient.hello(at, "anon"); TestClient book = TestClient.connect(at)) {
            alice.join("secret");
            alice.join("club");
            info(alice, "club");
            alice.send("{\"Mode\":{\"group_name\":\"secret\",\"private\":true}}");
            FromServer.GroupEvent mode = event(alice);
            assertThat(mode.kind()).isEqualTo("mode");
            assertThat(mode.modes()).isEqualTo(new FromServer.Modes(false, false, true));
            alice.send("{\"Mode\":{\"group_name\":\"club\",\"invite_only\":true}}");
            assertThat(event(alice).modes()).isEqualTo(new FromServer.Modes(true, false, false));
            bob.send("{\"List\":{}}");
            assertThat(bob.readLine(WAIT)).isEqualTo("{\"Groups\":[{\"name\":\"club\",\"members\":1}]}");
            book.send("{\"List\":{}}");
            assertThat(book.readLine(WAIT)).isEqualTo("{\"Groups\":[{\"name\":\"club\",\"members\":1}]}");
            alice.send("{\"List\":{}}");
            assertThat(alice.readLine(WAIT)).contains("\"secret\"");
            anon.join("secret");
            anon.expectLine("{\"Error\":\"'secret' is private; sign in to join\"}");
            book.join("secret");
            book.expectLine("{\"Error\":\"'secret' is private; sign in to join\"}");
            bob.send("{\"Fetch\":{\"group_name\":\"secret\",\"limit\":10}}");
            bob.expectLine("{\"Error\":\"'secret' is private; only its members can see it\"}");
            bob.join("secret");
            info(bob, "secret"); // an account may join a private group that is not invite-only
            bob.join("club");
            bob.expectLine("{\"Error\":\"'club' is invite-only\"}");
            alice.send("{\"Invite\":{\"group_name\":\"club\",\"name\":\"bob\"}}");
            assertThat(event(alice).kind()).isEqualTo("invite");
            FromServer.GroupEvent told = event(bob); // the invited account hears of it
            assertThat(told.kind()).isEqualTo("invite");
            assertThat(told.groupName()).isEqualTo("club");
            bob.join("club");
            assertThat(info(bob, "club").modes().inviteOnly()).isTrue();
        }
    }

    @Test
    @DisplayName("a muted member and a moderated group: the post gets an Error and is neither delivered nor stored")
    void muteAndModerated() throws Exception {
        start();
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true)) {
            alice.join("g");
            info(alice, "g");
            bob.join("g");
            info(bob, "g");
            alice.send("{\"Mute\":{\"group_name\":\"g\",\"name\":\"bob\",\"for\":\"10m\"}}");
            assertThat(event(bob).kind()).isEqualTo("mute");
            bob.post("g", "can you hear me");
            bob.expectLine("{\"Error\":\"you are muted in 'g'\"}");
            alice.send("{\"Unmute\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            assertThat(event(bob).kind()).isEqualTo("unmute");
            alice.send("{\"Mode\":{\"group_name\":\"g\",\"moderated\":true}}");
            assertThat(event(bob).modes().moderated()).isTrue();
            bob.post("g", "still?");
            bob.expectLine("{\"Error\":\"only operators post in 'g' (moderated)\"}");
            alice.post("g", "operators may");
            assertThat(bob.readLine(WAIT)).contains("\"message\":\"operators may\"");
            bob.send("{\"Fetch\":{\"group_name\":\"g\",\"limit\":100}}");
            List<String> history = new java.util.ArrayList<>();
            String line;
            while (!(line = bob.readLine(WAIT)).startsWith("{\"Fetched\"")) history.add(line);
            assertThat(history).noneMatch(l -> l.contains("can you hear me") || l.contains("still?"));
            // Events are in the history, in order with the messages.
            assertThat(history).extracting(l -> l.substring(2, l.indexOf('"', 2))).containsExactly(
                    "GroupEvent", "GroupEvent", "GroupEvent", "Message");
        }
    }

    @Test
    @DisplayName("the book's client in an open group gets exactly the book's bytes, never an event, while accounts moderate")
    void bookClientUnaffected() throws Exception {
        start();
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true);
             TestClient book = TestClient.connect(at)) {
            book.join("g"); // the book's client creates it: ownerless, open
            book.post("g", "first");
            book.expectLine("{\"Message\":{\"group_name\":\"g\",\"message\":\"first\"}}");
            alice.join("g");
            bob.join("g");
            info(bob, "g");
            assertThat(info(alice, "g").owner()).isNull();
            alice.send("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"t\"}}");
            alice.expectLine("{\"Error\":\"you must be an operator of 'g' to set the topic\"}");
            // An admin moderates it: members get the event, the book's client does not.
            try (TestClient ada = account("ada", true)) {
                ada.send("{\"Mute\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
                assertThat(event(ada).kind()).isEqualTo("mute"); // told directly: not a member
                assertThat(event(alice).kind()).isEqualTo("mute");
            }
            book.post("g", "woof");
            book.expectLine("{\"Message\":{\"group_name\":\"g\",\"message\":\"woof\"}}");
            alice.post("g", "hi");
            book.expectLine("{\"Message\":{\"group_name\":\"g\",\"message\":\"hi\"}}");
            book.send("{\"Join\":{\"group_name\":\"h\"}}");
            book.post("h", "x");
            book.expectLine("{\"Message\":{\"group_name\":\"h\",\"message\":\"x\"}}");
            book.expectNoLineWithin(Duration.ofMillis(200));
        }
    }

    @Test
    @DisplayName("Drop: members hear it and leave; the group and its history are gone")
    void drop() throws Exception {
        start();
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true)) {
            alice.join("g");
            info(alice, "g");
            bob.join("g");
            info(bob, "g");
            alice.post("g", "soon gone");
            bob.readLine(WAIT);
            alice.readLine(WAIT);
            bob.send("{\"Drop\":{\"group_name\":\"g\"}}");
            bob.expectLine("{\"Error\":\"only the owner of 'g' can drop it\"}");
            alice.send("{\"Drop\":{\"group_name\":\"g\"}}");
            assertThat(event(alice).kind()).isEqualTo("drop");
            assertThat(event(bob).kind()).isEqualTo("drop");
            bob.send("{\"GroupInfo\":{\"group_name\":\"g\"}}");
            bob.expectLine("{\"Error\":\"Group 'g' does not exist\"}");
            bob.join("g", 10); // made again: bob owns it now, and nothing of the old one is there
            assertThat(bob.readLine(WAIT)).startsWith("{\"Fetched\":{\"group_name\":\"g\",\"count\":0");
            assertThat(info(bob, "g").owner()).isEqualTo("bob");
        }
    }

    @Test
    @DisplayName("Drop with the SQLite store: the stored history is deleted, and the name can be made again, owned anew")
    void dropStored(@TempDir Path dir) throws Exception {
        SqliteStore store = SqliteStore.open(StoreOptions.defaults(dir, 4));
        start(store.accounts(), store, Harness.loopback());
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true)) {
            alice.join("g");
            alice.post("g", "stored");
            alice.readLine(WAIT);
            alice.send("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"old\"}}");
            event(alice);
            alice.send("{\"Drop\":{\"group_name\":\"g\"}}");
            assertThat(event(alice).kind()).isEqualTo("drop");
            bob.send("{\"Fetch\":{\"group_name\":\"g\",\"limit\":10}}");
            bob.expectLine("{\"Error\":\"Group 'g' does not exist\"}");
            bob.join("g", 10);
            assertThat(bob.readLine(WAIT)).startsWith("{\"Fetched\":{\"group_name\":\"g\",\"count\":0");
            FromServer.GroupDetails d = info(bob, "g");
            assertThat(d.owner()).isEqualTo("bob");
            assertThat(d.topic()).isNull();
        }
    }

    @Test
    @DisplayName("Suspend closes the account's connections (Error first) and refuses its sign-ins; admins only")
    void suspend() throws Exception {
        start();
        try (TestClient ada = account("ada", true); TestClient bob1 = account("bob", true);
             TestClient bob2 = account("bob", false); TestClient carol = account("carol", true)) {
            carol.send("{\"Suspend\":{\"name\":\"bob\",\"for\":\"1h\"}}");
            carol.expectLine("{\"Error\":\"only a server admin can suspend or unsuspend an account\"}");
            ada.send("{\"Suspend\":{\"name\":\"bob\",\"for\":\"1h\"}}");
            String done = ada.readLine(WAIT);
            assertThat(done).startsWith("{\"Suspended\":{\"name\":\"bob\",\"until\":");
            for (TestClient b : List.of(bob1, bob2)) {
                assertThat(b.readLine(WAIT)).startsWith("{\"Error\":\"account 'bob' is suspended until ");
                b.expectClosed(WAIT);
            }
            try (TestClient again = TestClient.connect(at)) {
                again.send("{\"Login\":{\"name\":\"bob\",\"password\":\"pw-bob-123\"}}");
                assertThat(again.readLine(WAIT)).startsWith("{\"Error\":\"account 'bob' is suspended until ");
                ada.send("{\"Unsuspend\":{\"name\":\"bob\"}}");
                ada.expectLine("{\"Unsuspended\":{\"name\":\"bob\"}}");
                again.send("{\"Login\":{\"name\":\"bob\",\"password\":\"pw-bob-123\"}}");
                assertThat(again.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"bob\"");
            }
        }
    }

    @Test
    @DisplayName("--groups-need-owner: an anonymous connection cannot create a group, but joins one an account made")
    void groupsNeedOwner() throws Exception {
        start(new MemoryAccountRecords(), Store.NONE, Harness.loopback().toBuilder().groupsNeedOwner(true).build());
        try (TestClient alice = account("alice", true); TestClient book = TestClient.connect(at)) {
            book.join("new");
            book.expectLine("{\"Error\":\"only an account can create groups (--groups-need-owner)\"}");
            alice.join("new");
            info(alice, "new");
            book.join("new");
            book.post("new", "woof");
            book.expectLine("{\"Message\":{\"group_name\":\"new\",\"message\":\"woof\"}}");
            alice.post("new", "hi");
            book.expectLine("{\"Message\":{\"group_name\":\"new\",\"message\":\"hi\"}}");
        }
    }

    @Test
    @DisplayName("roles, topic, modes, bans, mutes, invites, events and suspensions survive a restart of the SQLite store")
    void survivesRestart(@TempDir Path dir) throws Exception {
        SqliteStore store = SqliteStore.open(StoreOptions.defaults(dir, 4));
        start(store.accounts(), store, Harness.loopback().toBuilder().admins(List.of("ada")).build());
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true);
             TestClient carol = account("carol", true); TestClient ada = account("ada", true)) {
            account("dave", true).close();
            alice.join("g");
            info(alice, "g");
            for (String request : List.of("{\"Op\":{\"group_name\":\"g\",\"name\":\"carol\"}}",
                    "{\"Topic\":{\"group_name\":\"g\",\"topic\":\"kept\"}}",
                    "{\"Mode\":{\"group_name\":\"g\",\"invite_only\":true,\"moderated\":true}}",
                    "{\"Ban\":{\"group_name\":\"g\",\"name\":\"bob\",\"reason\":\"spam\"}}",
                    "{\"Mute\":{\"group_name\":\"g\",\"name\":\"carol\",\"for\":\"7d\"}}",
                    "{\"Invite\":{\"group_name\":\"g\",\"name\":\"dave\"}}")) {
                alice.send(request);
                event(alice);
            }
            ada.send("{\"Suspend\":{\"name\":\"carol\",\"for\":\"1d\"}}");
            assertThat(ada.readLine(WAIT)).startsWith("{\"Suspended\"");
        }
        server.close();
        server = null;
        store = SqliteStore.open(StoreOptions.defaults(dir, 4));
        start(store.accounts(), store, Harness.loopback());
        try (TestClient alice = account("alice", false); TestClient bob = account("bob", false);
             TestClient dave = account("dave", false); TestClient eve = account("eve", true)) {
            FromServer.GroupDetails d = info(alice, "g");
            assertThat(d).isEqualTo(new FromServer.GroupDetails("g", "alice", List.of("carol"), "kept",
                    new FromServer.Modes(true, true, false), 0));
            bob.join("g");
            bob.expectLine("{\"Error\":\"you are banned from 'g'\"}");
            eve.join("g");
            eve.expectLine("{\"Error\":\"'g' is invite-only\"}");
            dave.join("g", 100);
            List<String> kinds = new java.util.ArrayList<>();
            String line;
            while ((line = dave.readLine(WAIT)).startsWith("{\"GroupEvent\"")) {
                kinds.add(((FromServer.GroupEvent) TestClient.decode(line)).kind());
            }
            assertThat(line).startsWith("{\"Fetched\"");
            assertThat(kinds).containsExactly("op", "topic", "mode", "ban", "mute", "invite");
            assertThat(dave.readLine(WAIT)).startsWith("{\"Topic\":{\"group_name\":\"g\",\"topic\":\"kept\"");
            try (TestClient carol = TestClient.connect(at)) {
                carol.send("{\"Login\":{\"name\":\"carol\",\"password\":\"pw-carol-123\"}}");
                assertThat(carol.readLine(WAIT)).startsWith("{\"Error\":\"account 'carol' is suspended until ");
            }
        }
    }

    @Test
    @DisplayName("one audit line per action, and the counters in /metrics")
    void auditAndMetrics() throws Exception {
        start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream was = System.err;
        HttpFrontend http = HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), server, List.of());
        try (TestClient alice = account("alice", true); TestClient bob = account("bob", true)) {
            alice.join("g");
            info(alice, "g");
            Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
            alice.send("{\"Ban\":{\"group_name\":\"g\",\"name\":\"bob\",\"reason\":\"spam\"}}");
            event(alice);
            bob.send("{\"Kick\":{\"group_name\":\"g\",\"name\":\"alice\"}}");
            bob.readLine(WAIT);
            Log.setOutput(was);
            List<String> audit = log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("moderation.")).toList();
            assertThat(audit).hasSize(1);
            assertThat(audit.getFirst()).contains("moderation.ban").contains("group=g").contains("by=alice")
                    .contains("name=bob").contains("reason=spam");
            Scrape m = Scrape.metrics(http.port());
            assertThat(m.count("parley_moderation_actions_total{kind=\"ban\"}")).isEqualTo(1);
            assertThat(m.count("parley_moderation_actions_total{kind=\"kick\"}")).isZero();
            assertThat(m.count("parley_moderation_refusals_total")).isEqualTo(1);
            assertThat(m.count("parley_errors_total{kind=\"moderation\"}")).isEqualTo(1);
        } finally {
            Log.setOutput(was);
            http.close();
        }
    }
}
