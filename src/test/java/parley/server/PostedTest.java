package parley.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.testing.MemoryStore;
import parley.testing.TestClient;

/**
 * Acknowledged posts, timestamps, scroll-back and the store behind the rings, over loopback:
 * {@code Post} with an {@code id} and its {@code Posted}, the dedup window, {@code ts},
 * {@code Fetch before} and {@code Fetched}, and, with a store (an in-memory one here; the SQLite
 * store has its own tests), groups and seqs that outlive a server and history older than the ring.
 */
@DisplayName("Posted, ts, Fetch before, and a store behind the rings")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostedTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ChatServer server;

    private ChatServer start(ServerConfig config, Store store) throws IOException {
        server = ChatServer.start(config.withAddress(new InetSocketAddress("127.0.0.1", 0)), GroupBus.LOCAL, store,
                null, null);
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        if (server != null) server.close();
    }

    private TestClient hello(String name) throws IOException {
        TestClient c = TestClient.hello(server.address(), name);
        toClose.add(c);
        return c;
    }

    private static String post(String group, String text, String id) {
        return "{\"Post\":{\"group_name\":\"" + group + "\",\"message\":\"" + text + "\",\"id\":\"" + id + "\"}}";
    }

    private static FromServer.Message message(TestClient c) throws IOException {
        FromServer p = TestClient.decode(c.readLine());
        assertThat(p).isInstanceOf(FromServer.Message.class);
        return (FromServer.Message) p;
    }

    /** A message goes out before its post is handed to the store: wait until the store has {@code n}. */
    private static void awaitStored(MemoryStore store, String group, int n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.seqs(group).size() == n);
    }

    private static FromServer.Posted posted(TestClient c) throws IOException {
        FromServer p = TestClient.decode(c.readLine());
        assertThat(p).isInstanceOf(FromServer.Posted.class);
        return (FromServer.Posted) p;
    }

    @Test
    @DisplayName("without a store: Posted once in the ring, same seq and ts as the message; a resend lands once")
    void postedAndDedupInMemory() throws Exception {
        start(ServerConfig.defaults(), Store.NONE);
        TestClient alice = hello("alice");
        TestClient bob = hello("bob");
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        bob.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        parley.testing.Harness.awaitMembers(server, "dogs", 2);
        long before = System.currentTimeMillis();
        alice.send(post("dogs", "hi", "c1"));
        FromServer.Message m = message(bob);
        assertThat(m.seq()).isEqualTo(1);
        assertThat(m.ts()).isBetween(before, System.currentTimeMillis());
        // The poster, a member too, sees its message and its Posted, in either order.
        List<FromServer> got = List.of(TestClient.decode(alice.readLine()), TestClient.decode(alice.readLine()));
        assertThat(got).contains(new FromServer.Posted("dogs", "c1", 1, m.ts()), m);

        // The same id again: answered the same, delivered to nobody.
        alice.send(post("dogs", "hi", "c1"));
        assertThat(posted(alice)).isEqualTo(new FromServer.Posted("dogs", "c1", 1, m.ts()));
        bob.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"next\"}}");
        assertThat(message(bob).seq()).as("the resend took no seq").isEqualTo(2);
        assertThat(server.chat().metrics().postsResent()).isEqualTo(1);
        // The same id in another group is another post.
        alice.send("{\"Join\":{\"group_name\":\"cats\"}}", post("cats", "meow", "c1"));
        FromServer.Posted p = (FromServer.Posted) TestClient.decode(
                alice.readUntil(l -> l.startsWith("{\"Posted\""), 10).getLast());
        assertThat(p.groupName()).isEqualTo("cats");
        assertThat(p.seq()).isEqualTo(1);
    }

    @Test
    @DisplayName("bad ids and Fetch fields get an Error naming the field, and the connection carries on")
    void badValues() throws Exception {
        start(ServerConfig.defaults(), Store.NONE);
        TestClient alice = hello("alice");
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        parley.testing.Harness.awaitMembers(server, "dogs", 1);
        String error = "{\"Error\":\"field 'id' of Post must be 1 to 64 printable ASCII characters\"}";
        for (String id : List.of("", "x".repeat(65), "tab\\there", "caf\\u00e9", "nl\\n")) {
            alice.send(post("dogs", "m", id));
            alice.expectLine(error);
        }
        alice.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"m\",\"id\":7}}");
        alice.expectLine("{\"Error\":\"field 'id' of Post must be a string\"}");
        alice.send("{\"Fetch\":{\"group_name\":\"dogs\",\"before\":-1}}");
        alice.expectLine("{\"Error\":\"field 'before' of Fetch must be a whole number from 0 to " + Long.MAX_VALUE + "\"}");
        alice.send("{\"Fetch\":{\"group_name\":\"dogs\",\"after\":1,\"before\":5}}");
        alice.expectLine("{\"Error\":\"fields 'after' and 'before' of Fetch cannot be given together\"}");
        alice.send(post("dogs", "ok", "x".repeat(64)));
        assertThat(alice.readUntil(l -> l.startsWith("{\"Posted\""), 5).getLast())
                .startsWith("{\"Posted\":{\"group_name\":\"dogs\",\"id\":\"" + "x".repeat(64) + "\",\"seq\":1,\"ts\":");
    }

    @Test
    @DisplayName("a book connection's bytes do not change: no ts, no Fetched, no Posted for an id-less post")
    void bookBytes() throws Exception {
        start(ServerConfig.defaults(), Store.NONE);
        TestClient book = TestClient.connect(server.address());
        toClose.add(book);
        book.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        parley.testing.Harness.awaitMembers(server, "dogs", 1);
        book.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hi\"}}");
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi\"}}");
        book.send("{\"Fetch\":{\"group_name\":\"dogs\",\"limit\":5}}");
        book.expectLine("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi\"}}");
        book.expectNoLineWithin(Duration.ofMillis(300));
    }

    @Test
    @DisplayName("with a store: Posted after the store has it; a restart keeps groups, seqs, ts and epoch")
    void storeOutlivesTheServer() throws Exception {
        MemoryStore store = new MemoryStore("e1");
        start(ServerConfig.defaults(), store);
        TestClient alice = hello("alice");
        assertThat(alice.welcome().epoch()).isEqualTo("e1");
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        parley.testing.Harness.awaitMembers(server, "dogs", 1);
        store.pause();
        alice.send(post("dogs", "one", "a1"));
        FromServer.Message one = message(alice);
        alice.expectNoLineWithin(Duration.ofMillis(300)); // not durable yet: no Posted
        store.resume();
        assertThat(posted(alice)).isEqualTo(new FromServer.Posted("dogs", "a1", 1, one.ts()));
        for (int i = 2; i <= 5; i++) alice.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"m" + i + "\"}}");
        for (int i = 2; i <= 5; i++) assertThat(message(alice).seq()).isEqualTo(i);
        awaitStored(store, "dogs", 5);
        alice.close();
        server.close();

        start(ServerConfig.defaults(), store);
        TestClient bob = hello("bob");
        // The group outlived its members: listed, fetched, posted to, and numbered on.
        bob.send("{\"List\":{}}");
        bob.expectLine("{\"Groups\":[{\"name\":\"dogs\",\"members\":0}]}");
        bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"before\":3,\"limit\":10}}");
        FromServer.Message first = message(bob);
        assertThat(first).isEqualTo(new FromServer.Message("dogs", "one", "alice", 1, one.ts()));
        assertThat(message(bob).seq()).isEqualTo(2);
        bob.expectLine("{\"Fetched\":{\"group_name\":\"dogs\",\"count\":2,\"oldest\":1,\"newest\":5}}");
        // A resend of an acknowledged id after the restart lands nowhere and gets the same answer.
        bob.send(post("dogs", "one", "a1"));
        assertThat(posted(bob)).isEqualTo(new FromServer.Posted("dogs", "a1", 1, one.ts()));
        bob.send("{\"Join\":{\"group_name\":\"dogs\"}}", "{\"Post\":{\"group_name\":\"dogs\",\"message\":\"six\"}}");
        assertThat(message(bob).seq()).isEqualTo(6);
        awaitStored(store, "dogs", 6);
        assertThat(store.seqs("dogs")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    @DisplayName("with a store: Join history and Fetch reach past the ring, in one ordered sequence")
    void historyOlderThanTheRing() throws Exception {
        MemoryStore store = new MemoryStore("e2");
        ServerConfig small = ServerConfig.builder().groupCapacity(4).historyMessages(4).build();
        start(small, store);
        TestClient alice = hello("alice");
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        parley.testing.Harness.awaitMembers(server, "dogs", 1);
        for (int i = 1; i <= 20; i++) { // one at a time: the ring of 4 must not overtake its reader
            alice.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"m" + i + "\"}}");
            assertThat(message(alice).seq()).isEqualTo(i);
        }
        awaitStored(store, "dogs", 20);

        TestClient bob = hello("bob");
        bob.send("{\"Join\":{\"group_name\":\"dogs\",\"history\":12}}");
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 12; i++) seqs.add(message(bob).seq());
        assertThat(seqs).containsExactly(9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        bob.expectLine("{\"Fetched\":{\"group_name\":\"dogs\",\"count\":12,\"oldest\":1,\"newest\":20}}");
        bob.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"live\"}}");
        assertThat(message(bob).message()).isEqualTo("live");

        // Paging back to the first message, then a page with nothing in it.
        long before = 22;
        List<Long> all = new ArrayList<>();
        while (true) {
            bob.send("{\"Fetch\":{\"group_name\":\"dogs\",\"before\":" + before + ",\"limit\":5}}");
            List<String> page = bob.readUntil(l -> l.startsWith("{\"Fetched\""), 10);
            FromServer.Fetched f = (FromServer.Fetched) TestClient.decode(page.getLast());
            assertThat(f.oldest()).isEqualTo(1);
            assertThat(f.newest()).isEqualTo(21);
            if (f.count() == 0) break;
            List<Long> got = page.subList(0, page.size() - 1).stream()
                    .map(l -> ((FromServer.Message) TestClient.decode(l)).seq()).toList();
            all.addAll(0, got);
            before = got.getFirst();
        }
        assertThat(all).hasSize(21).startsWith(1L, 2L).endsWith(20L, 21L);
        assertThat(new java.util.TreeSet<>(all)).hasSize(21);
    }

    static {
        // Codec is the one place that knows the wire: make sure Posted encodes as the issue writes it.
        assertThat(new String(Codec.encodePosted("dogs", "c1", 42, 1765100000123L), UTF_8))
                .isEqualTo("{\"Posted\":{\"group_name\":\"dogs\",\"id\":\"c1\",\"seq\":42,\"ts\":1765100000123}}\n");
    }
}
