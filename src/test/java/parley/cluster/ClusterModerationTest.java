package parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.accounts.AccountBook;
import parley.accounts.HashPool;
import parley.accounts.MemoryAccountRecords;
import parley.accounts.PasswordHasher;
import parley.net.ChatServer;
import parley.protocol.FromServer;
import parley.server.ServerConfig;
import parley.server.SignIn;
import parley.server.Store;
import parley.testing.TestClient;

/**
 * Moderation in cluster mode is per node (docs/moderation.md): a node's events reach its own
 * members, unnumbered, while posts still cross nodes; another node knows nothing of the roles.
 */
@Timeout(120)
class ClusterModerationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static NatsServer nats;
    private final List<ChatServer> nodes = new ArrayList<>();

    @BeforeAll
    static void startNats() throws Exception {
        nats = NatsServer.startNew();
    }

    @AfterAll
    static void stopNats() throws Exception {
        if (nats != null) nats.close();
    }

    @AfterEach
    void stopNodes() {
        for (ChatServer n : nodes) n.close();
    }

    private ChatServer node() throws IOException {
        ServerConfig config = ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withCloseFlushTimeout(Duration.ofSeconds(1));
        NatsBus bus = NatsBus.connect(List.of(nats.url()), config.historyMessages());
        AccountBook book = new AccountBook(new MemoryAccountRecords(),
                new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)), new HashPool());
        ChatServer n = ChatServer.start(config, bus, Store.NONE, null, null, new SignIn(book, null, true, false));
        nodes.add(n);
        ClusterTest.awaitBus(bus);
        return n;
    }

    private static TestClient account(ChatServer node, String name) throws Exception {
        TestClient c = TestClient.connect(node.address());
        c.send("{\"Register\":{\"name\":\"" + name + "\",\"password\":\"pw-" + name + "-123\"}}");
        assertThat(c.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"" + name + "\"");
        return c;
    }

    @Test
    void eventsStayOnTheirNode() throws Exception {
        ChatServer a = node();
        ChatServer b = node();
        try (TestClient alice = account(a, "alice"); TestClient bob = account(a, "bob"); TestClient carol = account(b, "carol")) {
            alice.join("g");
            alice.send("{\"GroupInfo\":{\"group_name\":\"g\"}}");
            assertThat(((FromServer.GroupDetails) TestClient.decode(alice.readLine(WAIT))).owner()).isEqualTo("alice");
            bob.join("g");
            bob.send("{\"GroupInfo\":{\"group_name\":\"g\"}}");
            bob.readLine(WAIT);
            carol.join("g");
            carol.send("{\"GroupInfo\":{\"group_name\":\"g\"}}");
            FromServer.GroupDetails there = (FromServer.GroupDetails) TestClient.decode(carol.readLine(WAIT));
            assertThat(there.owner()).as("node b keeps its own moderation").isEqualTo("carol");
            alice.send("{\"Op\":{\"group_name\":\"g\",\"name\":\"bob\"}}");
            for (TestClient c : List.of(alice, bob)) {
                FromServer.GroupEvent e = (FromServer.GroupEvent) TestClient.decode(c.readLine(WAIT));
                assertThat(e.kind()).isEqualTo("op");
                assertThat(e.seq()).as("not in the cluster's numbering").isZero();
            }
            alice.post("g", "across");
            assertThat(carol.readLine(WAIT)).contains("\"message\":\"across\"").doesNotContain("GroupEvent");
        }
    }
}
