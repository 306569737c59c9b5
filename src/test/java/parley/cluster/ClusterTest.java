package parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.testing.TestClient;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.net.ChatServer;
import parley.server.ServerConfig;

/**
 * Cluster mode against a real nats-server: two or three in-process Parley nodes on loopback, each
 * with its own NATS connection, as separate machines would have.
 */
@Timeout(120)
class ClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static NatsServer nats;
    private final List<ChatServer> nodes = new ArrayList<>();
    private final List<TestClient> peers = new ArrayList<>();
    private final Map<ChatServer, NatsBus> buses = new HashMap<>();

    @BeforeAll
    static void startNats() throws Exception {
        nats = NatsServer.startNew();
    }

    @AfterAll
    static void stopNats() throws Exception {
        if (nats != null) nats.close();
    }

    @AfterEach
    void stopNodes() throws IOException {
        for (TestClient p : peers) p.close();
        for (ChatServer n : nodes) n.close();
    }

    static ChatServer node(NatsServer bus, List<ChatServer> into) throws IOException {
        return node(bus, into, new HashMap<>());
    }

    /** A node on {@code bus}, its NatsBus kept in {@code buses}, started once that bus reports itself up. */
    static ChatServer node(NatsServer bus, List<ChatServer> into, Map<ChatServer, NatsBus> buses) throws IOException {
        ServerConfig config = ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withCloseFlushTimeout(Duration.ofSeconds(1));
        NatsBus b = NatsBus.connect(List.of(bus.url()), config.historyMessages());
        ChatServer n = ChatServer.start(config, b);
        into.add(n);
        buses.put(n, b);
        awaitBus(b);
        return n;
    }

    private ChatServer node() throws IOException {
        return node(nats, nodes, buses);
    }

    /** Waits (bounded) until the node's cluster bus says it is up. */
    static void awaitBus(NatsBus bus) {
        await("cluster bus up").atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(bus::up);
    }

    private static boolean busUnavailable(FromServer reply) {
        return reply instanceof FromServer.Error e && e.text().startsWith("cluster bus unavailable");
    }

    /** A request, an action such as a post or a fetch. */
    interface Request {
        void send() throws IOException;
    }

    /**
     * Makes {@code request}, whose answer to {@code p} is {@code n} Message packets, once {@code node}'s
     * bus is up. A node that answers "cluster bus unavailable" (a post not delivered, a fetch not
     * served) has done nothing: it is asked again when its bus says it is back, a bounded number of
     * times. Any other answer is taken as it is and must be the messages.
     */
    private List<FromServer.Message> whenBusUp(ChatServer node, TestClient p, int n, Request request) throws IOException {
        NatsBus bus = buses.get(node);
        for (int attempt = 1; attempt <= 10; attempt++) {
            awaitBus(bus);
            request.send();
            FromServer first = p.nextReply(WAIT);
            while (first instanceof FromServer.Fetched) first = p.nextReply(WAIT); // the end of an earlier history
            if (busUnavailable(first)) continue;
            assertThat(first).as("the first of %d messages", n).isInstanceOf(FromServer.Message.class);
            List<FromServer.Message> got = new ArrayList<>(n);
            got.add((FromServer.Message) first);
            got.addAll(p.messages(n - 1, WAIT));
            return got;
        }
        throw new AssertionError("the bus of " + node.address() + " stayed unavailable through 10 attempts");
    }

    private TestClient peer(ChatServer node, String name) throws IOException, InterruptedException {
        TestClient p = TestClient.hello(node.address(), name).readInBackground();
        peers.add(p);
        return p;
    }

    /** Joins and waits until the join has been handled (the Members answer comes after it). */
    static void joined(TestClient p, String group) throws IOException, InterruptedException {
        p.join(group);
        p.send(new FromClient.Members(group));
        p.until(r -> r instanceof FromServer.Members, WAIT);
    }

    @Test
    void aPostOnAnyNodeReachesTheMembersOnEveryNodeWithTheSameSeq() throws Exception {
        ChatServer n1 = node();
        ChatServer n2 = node();
        ChatServer n3 = node();
        TestClient alice = peer(n1, "alice");
        TestClient bob = peer(n2, "bob");
        TestClient carol = peer(n3, "carol");
        joined(alice, "dogs");
        joined(bob, "dogs");

        alice.post("dogs", "from n1");
        FromServer.Message a1 = alice.messages(1, WAIT).getFirst();
        assertThat(bob.messages(1, WAIT)).containsExactly(a1);
        assertThat(a1).extracting(FromServer.Message::message, FromServer.Message::from).containsExactly("from n1", "alice");

        bob.post("dogs", "from n2");
        FromServer.Message b1 = bob.messages(1, WAIT).getFirst();
        assertThat(alice.messages(1, WAIT)).containsExactly(b1);

        // carol's node has no member of dogs: the post still goes to everyone who has.
        carol.post("dogs", "from n3");
        FromServer.Message c1 = alice.messages(1, WAIT).getFirst();
        assertThat(bob.messages(1, WAIT)).containsExactly(c1);
        assertThat(c1.from()).isEqualTo("carol");
        assertThat(List.of(a1.seq(), b1.seq(), c1.seq())).isSorted().doesNotHaveDuplicates();

        carol.post("never-seen", "hello?");
        assertThat(carol.nextReply(WAIT)).isEqualTo(TestClient.error("Group 'never-seen' does not exist"));
        assertThat(carol.drain(Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void concurrentPostersOnDifferentNodesAreSeenInOneOrderEverywhere() throws Exception {
        int perPoster = 300;
        List<ChatServer> ns = List.of(node(), node(), node());
        List<TestClient> members = new ArrayList<>();
        List<TestClient> posters = new ArrayList<>();
        for (int i = 0; i < ns.size(); i++) {
            TestClient m = peer(ns.get(i), "m" + i);
            joined(m, "race");
            members.add(m);
            posters.add(peer(ns.get(i), "p" + i));
        }
        // The group is known on every node by now (each has a member), so no post can miss it.
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(posters.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < posters.size(); i++) {
                TestClient p = posters.get(i);
                String tag = "p" + i;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int k = 0; k < perPoster; k++) p.post("race", tag + "-" + k);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        int total = perPoster * posters.size();
        List<FromServer.Message> first = members.getFirst().messages(total, Duration.ofSeconds(60));
        for (TestClient m : members.subList(1, members.size())) {
            assertThat(m.messages(total, Duration.ofSeconds(60))).isEqualTo(first);
        }
        assertThat(first.stream().map(FromServer.Message::seq).toList()).isSorted().doesNotHaveDuplicates();
        for (int i = 0; i < posters.size(); i++) {
            String tag = "p" + i + "-";
            List<String> mine = first.stream().map(FromServer.Message::message).filter(s -> s.startsWith(tag)).toList();
            List<String> expected = new ArrayList<>();
            for (int k = 0; k < perPoster; k++) expected.add(tag + k);
            assertThat(mine).as("poster %d's own order", i).isEqualTo(expected);
        }
        for (TestClient p : posters) assertThat(p.drain(Duration.ofMillis(100))).as("no errors for posters").isEmpty();
    }

    @Test
    void historyAndFetchComeFromTheStreamOnAnyNode() throws Exception {
        ChatServer n1 = node();
        ChatServer n2 = node();
        ChatServer n3 = node();
        TestClient alice = peer(n1, "alice");
        joined(alice, "hist");
        List<FromServer.Message> all = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            String text = "m" + i;
            all.addAll(whenBusUp(n1, alice, 1, () -> alice.post("hist", text)));
        }
        assertThat(all).extracting(FromServer.Message::message)
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(i -> "m" + i).toList());

        // Join with history on a node that has never had this group: loaded from the stream.
        TestClient bob = peer(n2, "bob");
        awaitBus(buses.get(n2));
        bob.join("hist", 10);
        assertThat(bob.messages(10, WAIT)).isEqualTo(all.subList(20, 30));
        FromServer.Message m31 = whenBusUp(n1, alice, 1, () -> alice.post("hist", "m31")).getFirst();
        assertThat(bob.messages(1, WAIT)).containsExactly(m31);

        TestClient dave = peer(n2, "dave");
        List<FromServer.Message> tail = new ArrayList<>(all.subList(20, 30));
        tail.add(m31);
        assertThat(whenBusUp(n2, dave, 11, () -> dave.fetch("hist", all.get(19).seq(), 100))).isEqualTo(tail);

        // n3 has no member of the group: Fetch reads the stream itself.
        TestClient erin = peer(n3, "erin");
        assertThat(whenBusUp(n3, erin, 3, () -> erin.fetch("hist", all.get(4).seq(), 3))).isEqualTo(all.subList(5, 8));
        assertThat(whenBusUp(n3, erin, 4, () -> erin.fetch("hist", -1, 4)))
                .isEqualTo(List.of(all.get(27), all.get(28), all.get(29), m31));
        awaitBus(buses.get(n3));
        assertThat(erin.nextReply(WAIT)).isEqualTo(new FromServer.Fetched("hist", 4, all.getFirst().seq(), m31.seq()));
        erin.fetch("nothing-here", -1, 4);
        assertThat(erin.nextReply(WAIT)).isEqualTo(TestClient.error("Group 'nothing-here' does not exist"));

        // A node that stops and a new one that starts: its members catch up from the stream.
        n3.close();
        ChatServer n4 = node();
        TestClient fred = peer(n4, "fred");
        awaitBus(buses.get(n4));
        fred.join("hist", 5);
        assertThat(fred.messages(5, WAIT)).isEqualTo(List.of(all.get(26), all.get(27), all.get(28), all.get(29), m31));
        assertThat(fred.drain(Duration.ofMillis(200))).singleElement().isInstanceOf(FromServer.Fetched.class);
    }

    @Test
    void aNatsRestartIsToldToEveryClientAndPostsResumeAfterIt() throws Exception {
        try (NatsServer own = NatsServer.startNew()) {
            List<ChatServer> mine = new ArrayList<>();
            try {
                ChatServer n1 = node(own, mine);
                ChatServer n2 = node(own, mine);
                TestClient alice = peer(n1, "alice");
                TestClient bob = peer(n2, "bob");
                joined(alice, "up");
                joined(bob, "up");
                alice.post("up", "before");
                FromServer.Message before = alice.messages(1, WAIT).getFirst();
                assertThat(bob.messages(1, WAIT)).containsExactly(before);

                own.kill();
                assertThat(alice.nextReply(WAIT)).isEqualTo(TestClient.error(NatsBus.UNAVAILABLE));
                assertThat(bob.nextReply(WAIT)).isEqualTo(TestClient.error(NatsBus.UNAVAILABLE));
                alice.post("up", "during");
                assertThat(alice.nextReply(WAIT)).isEqualTo(TestClient.error("cluster bus unavailable; post to 'up' not delivered"));
                // A group first joined while the bus is down is announced to the cluster when it returns.
                TestClient dave = peer(n1, "dave");
                joined(dave, "born");

                own.start();
                assertThat(alice.nextReply(WAIT)).isEqualTo(TestClient.error(NatsBus.BACK));
                assertThat(bob.nextReply(WAIT)).isEqualTo(TestClient.error(NatsBus.BACK));
                TestClient erin = peer(n2, "erin"); // never joined "born"; posts from the other node
                await().atMost(WAIT).until(() -> {
                    erin.post("born", "found");
                    return erin.drain(Duration.ofMillis(300)).isEmpty(); // no "does not exist"
                });
                FromServer last = dave.until(r -> r instanceof FromServer.Message, WAIT).getLast();
                assertThat(((FromServer.Message) last).message()).isEqualTo("found");
                alice.post("up", "after");
                FromServer.Message after = alice.messages(1, WAIT).getFirst();
                assertThat(bob.messages(1, WAIT)).containsExactly(after);
                assertThat(after.message()).isEqualTo("after");
                assertThat(after.seq()).isGreaterThan(before.seq());
                bob.post("up", "and back");
                assertThat(alice.messages(1, WAIT).getFirst().message()).isEqualTo("and back");
                assertThat(bob.messages(1, WAIT).getFirst().message()).isEqualTo("and back");
                // Fetch after the outage sees the stream as it was kept: nothing from during it.
                TestClient carol = peer(n2, "carol");
                carol.fetch("up", 0, 10);
                assertThat(carol.messages(3, WAIT)).extracting(FromServer.Message::message)
                        .containsExactly("before", "after", "and back");
                assertThat(carol.drain(Duration.ofMillis(200))).singleElement().isInstanceOf(FromServer.Fetched.class);
            } finally {
                for (ChatServer n : mine) n.close();
            }
        }
    }

    @Test
    void aSlowMemberOnOneNodeNeverHoldsUpTheOthers() throws Exception {
        ChatServer n1 = node();
        ChatServer n2 = node();
        TestClient fast = peer(n2, "fast");
        joined(fast, "busy");
        // A member that never reads (a raw socket with a small buffer): its node's ring laps it.
        java.net.Socket stuck = new java.net.Socket();
        stuck.setReceiveBufferSize(4096);
        stuck.connect(n1.address(), 5000);
        stuck.getOutputStream().write("{\"Join\":{\"group_name\":\"busy\"}}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> n1.groups().get("busy") != null && n1.groups().get("busy").members() == 1);
        TestClient poster = peer(n1, "poster");
        String big = "x".repeat(4000);
        int n = 3000;
        for (int i = 0; i < n; i += 100) {
            for (int k = i; k < i + 100; k++) poster.post("busy", big + k);
            // Paced by the reader on the other node, so only the stuck one can fall behind.
            assertThat(fast.messages(100, Duration.ofSeconds(30)).getLast().message()).isEqualTo(big + (i + 99));
        }
        // The stuck member's node kept delivering into its ring: 12 MB more than its socket holds.
        await().atMost(WAIT).until(() -> n1.groups().get("busy").posted() == n);
        stuck.close();
    }
}
