package parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.protocol.FromServer;
import parley.server.GroupBus;
import parley.testing.TestClient;

/**
 * The store's promises in cluster mode (issue 19), against a real nats-server: Posted after the
 * stream's acknowledgement, ids deduplicated by the stream, {@code ts} from the stream, Fetch
 * {@code before}, the retained range, the epoch, and the retention options on the stream. The
 * bus is driven directly through the {@link GroupBus} API where the server does not call it yet.
 */
@Timeout(120)
class ClusterStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** What {@link ClusterTest#node} connects with, so that the nodes here do not change the stream's limits. */
    private static final Retention NODES = Retention.DEFAULT.withMaxMessagesPerSubject(
            parley.server.ServerConfig.defaults().historyMessages());
    private static NatsServer nats;
    private static Connection raw;
    private static JetStream js;
    private static JetStreamManagement jsm;
    private final List<ChatServer> nodes = new ArrayList<>();
    private final Map<ChatServer, NatsBus> buses = new HashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startNats() throws Exception {
        nats = NatsServer.startNew();
        raw = Nats.connect(nats.url());
        try (NatsBus first = NatsBus.connect(List.of(nats.url()), NODES)) {
            // creates the stream the raw publishes below go to
        }
        js = raw.jetStream();
        jsm = raw.jetStreamManagement();
    }

    @AfterAll
    static void stopNats() throws Exception {
        if (raw != null) raw.close();
        if (nats != null) nats.close();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        for (ChatServer n : nodes) n.close();
    }

    private NatsBus bus(NatsServer server, Retention retention) throws Exception {
        NatsBus b = NatsBus.connect(List.of(server.url()), retention);
        open.add(b);
        return b;
    }

    /** What a PostAck heard: posted (seq, ts), or failed. */
    record Ack(long seq, long ts, String failed) {}

    private static CompletableFuture<Ack> post(NatsBus bus, String group, String text, String id) {
        CompletableFuture<Ack> heard = new CompletableFuture<>();
        String now = bus.post(null, group, text, "alice", id, new GroupBus.PostAck() {
            @Override
            public void posted(long seq, long ts) {
                heard.complete(new Ack(seq, ts, null));
            }

            @Override
            public void failed(String why) {
                heard.complete(new Ack(0, 0, why));
            }
        }, error -> heard.complete(new Ack(0, 0, "errors: " + error)));
        assertThat(now).as("accepted at once").isNull();
        return heard;
    }

    /** Publishes a post as a node would, straight to the stream; returns its stream seq. */
    private static long publish(String group, String text) throws Exception {
        return js.publish(Subjects.posts(group), BusPayload.encode("raw", text)).getSeqno();
    }

    private static long streamMillis(long seq) throws Exception {
        MessageInfo mi = jsm.getMessage(NatsBus.STREAM, seq);
        return mi.getTime().toInstant().toEpochMilli();
    }

    private static List<FromServer.Message> fetch(NatsBus bus, String group, long after, long before, long limit)
            throws GroupBus.Refused {
        List<FromServer.Message> got = new ArrayList<>();
        assertThat(bus.fetch(null, group, after, before, limit, got::add)).as("served from the stream").isTrue();
        return got;
    }

    @Test
    void aPostWithAnIdIsPostedOnceWithTheStreamsSeqAndTimeAndItsResendGetsTheSame() throws Exception {
        ChatServer n1 = ClusterTest.node(nats, nodes, buses);
        ChatServer n2 = ClusterTest.node(nats, nodes, buses);
        TestClient bob = TestClient.hello(n2.address(), "bob").readInBackground();
        open.add(bob);
        ClusterTest.joined(bob, "dedup");
        NatsBus bus1 = buses.get(n1);

        Ack first = post(bus1, "dedup", "woof", "c1").get(10, TimeUnit.SECONDS);
        assertThat(first.failed()).isNull();
        assertThat(first.seq()).isPositive();
        assertThat(first.ts()).as("the stream's time").isEqualTo(streamMillis(first.seq()))
                .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(10_000L));
        FromServer.Message got = bob.messages(1, WAIT).getFirst();
        assertThat(got).isEqualTo(new FromServer.Message("dedup", "woof", "alice", first.seq(), first.ts()));

        Ack again = post(bus1, "dedup", "woof", "c1").get(10, TimeUnit.SECONDS);
        assertThat(again).as("a resend within the window: the same seq and ts").isEqualTo(first);
        Ack fromN2 = post(buses.get(n2), "dedup", "woof", "c1").get(10, TimeUnit.SECONDS);
        assertThat(fromN2).as("from another node too").isEqualTo(first);
        Ack next = post(bus1, "dedup", "second", "c2").get(10, TimeUnit.SECONDS);
        assertThat(next.seq()).isGreaterThan(first.seq());
        assertThat(bob.messages(1, WAIT).getFirst().message()).as("the resends were not delivered").isEqualTo("second");
        assertThat(bob.drain(Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void aPostersNodeWithMembersTakesThePostsTimeFromItsOwnConsumer() throws Exception {
        ChatServer n1 = ClusterTest.node(nats, nodes, buses);
        TestClient erin = TestClient.hello(n1.address(), "erin").readInBackground();
        open.add(erin);
        ClusterTest.joined(erin, "local-times");
        NatsBus bus = buses.get(n1);
        long asked = bus.timesAsked();
        List<Ack> acks = new ArrayList<>();
        for (int i = 0; i < 40; i++) acks.add(post(bus, "local-times", "t" + i, "id" + i).get(10, TimeUnit.SECONDS));
        List<FromServer.Message> got = erin.messages(40, WAIT);
        for (int i = 0; i < 40; i++) {
            assertThat(acks.get(i).failed()).isNull();
            assertThat(got.get(i).seq()).isEqualTo(acks.get(i).seq());
            assertThat(got.get(i).ts()).isEqualTo(acks.get(i).ts()).isEqualTo(streamMillis(acks.get(i).seq()));
        }
        long fromStream = bus.timesAsked() - asked;
        System.out.printf("40 posts with ids: %d times asked of the stream, the rest from the consumer%n", fromStream);
        assertThat(fromStream).as("most from the node's own consumer").isLessThan(20);
        assertThat(bus.awaitingTimes()).isZero();
        // A resend long after: its original's time is still known here, or asked of the stream.
        assertThat(post(bus, "local-times", "t0", "id0").get(10, TimeUnit.SECONDS)).isEqualTo(acks.getFirst());
        assertThat(erin.drain(Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void theSameIdInTwoGroupsIsTwoPosts() throws Exception {
        NatsBus bus = bus(nats, NODES);
        publish("ids-a", "exists");
        publish("ids-b", "exists");
        Ack a = post(bus, "ids-a", "x", "same").get(10, TimeUnit.SECONDS);
        Ack b = post(bus, "ids-b", "x", "same").get(10, TimeUnit.SECONDS);
        assertThat(a.failed()).isNull();
        assertThat(b.failed()).isNull();
        assertThat(b.seq()).isGreaterThan(a.seq());
        assertThat(NatsBus.msgId("a b", "c")).isNotEqualTo(NatsBus.msgId("a", "b c"));
    }

    @Test
    void deliveredAndFetchedMessagesCarryTheStreamsTime() throws Exception {
        ChatServer n1 = ClusterTest.node(nats, nodes, buses);
        TestClient carol = TestClient.hello(n1.address(), "carol").readInBackground();
        open.add(carol);
        ClusterTest.joined(carol, "times");
        carol.post("times", "tick");
        FromServer.Message m = carol.messages(1, WAIT).getFirst();
        assertThat(m.ts()).isPositive().isEqualTo(streamMillis(m.seq()));
        assertThat(fetch(buses.get(n1), "times", 0, -1, 10)).containsExactly(m);
        assertThat(fetch(buses.get(n1), "times", -1, m.seq() + 1, 10)).containsExactly(m);
    }

    @Test
    void fetchBeforePagesBackToTheOldestAmongOtherGroupsPosts() throws Exception {
        NatsBus bus = bus(nats, NODES);
        List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            seqs.add(publish("paged", "p" + i));
            // other groups take the numbers in between, unevenly: sparse and dense stretches
            for (int k = 0; k < (i % 7 == 0 ? 60 : i % 3); k++) publish("noise", "n");
        }
        long end = publish("noise", "after");

        assertThat(bus.retained("paged")).containsExactly(seqs.getFirst(), seqs.getLast());
        List<FromServer.Message> newest = fetch(bus, "paged", -1, -1, 6);
        assertThat(newest).extracting(FromServer.Message::seq).isEqualTo(seqs.subList(34, 40));

        // Page backwards, 6 at a time, from past the end to the oldest.
        List<Long> paged = new ArrayList<>();
        long before = end + 1;
        for (int page = 0; page < 20; page++) {
            List<FromServer.Message> got = fetch(bus, "paged", -1, before, 6);
            if (got.isEmpty()) break;
            assertThat(got.size()).isLessThanOrEqualTo(6);
            assertThat(got).extracting(FromServer.Message::seq).isSorted();
            for (FromServer.Message m : got) {
                assertThat(m.ts()).isEqualTo(streamMillis(m.seq()));
                assertThat(m.from()).isEqualTo("raw");
            }
            paged.addAll(0, got.stream().map(FromServer.Message::seq).toList());
            before = got.getFirst().seq();
        }
        assertThat(paged).isEqualTo(seqs);

        assertThat(fetch(bus, "paged", -1, seqs.get(10), 100)).extracting(FromServer.Message::seq)
                .as("fewer than the limit below before: all of them").isEqualTo(seqs.subList(0, 10));
        assertThat(fetch(bus, "paged", -1, seqs.get(20), 1)).extracting(FromServer.Message::message)
                .containsExactly("p20");
        assertThat(fetch(bus, "paged", -1, seqs.getFirst(), 10)).isEmpty();
        assertThat(fetch(bus, "paged", -1, 1, 10)).isEmpty();

        // A sink that refuses stops the read.
        List<FromServer.Message> one = new ArrayList<>();
        bus.fetch(null, "paged", -1, end + 1, 10, m -> one.add(m) && false);
        assertThat(one).hasSize(1);
    }

    @Test
    void fetchBeforeFindsASparseGroupsMessagesFarApart() throws Exception {
        NatsBus bus = bus(nats, NODES);
        List<Long> seqs = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<io.nats.client.api.PublishAck>> noise = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            seqs.add(publish("rare", "r" + i));
            for (int k = 0; k < 400 * i; k++) noise.add(js.publishAsync(Subjects.posts("crowd"), BusPayload.encode("n", "n")));
            for (var f : noise) f.get(10, TimeUnit.SECONDS);
            noise.clear();
        }
        long end = publish("crowd", "last");
        assertThat(fetch(bus, "rare", -1, end + 1, 3)).extracting(FromServer.Message::seq).isEqualTo(seqs.subList(2, 5));
        assertThat(fetch(bus, "rare", -1, seqs.get(3), 2)).extracting(FromServer.Message::seq).isEqualTo(seqs.subList(1, 3));
        assertThat(fetch(bus, "rare", -1, -1, 100)).extracting(FromServer.Message::seq).isEqualTo(seqs);
        assertThat(fetch(bus, "rare", seqs.get(1), -1, 100)).extracting(FromServer.Message::seq).isEqualTo(seqs.subList(2, 5));
        assertThat(bus.retained("rare")).containsExactly(seqs.getFirst(), seqs.getLast());
    }

    @Test
    void theRetainedRangeOfAGroupWithoutPostsIsEmptyAndAnUnknownGroupIsRefused() throws Exception {
        ChatServer n1 = ClusterTest.node(nats, nodes, buses);
        TestClient dave = TestClient.hello(n1.address(), "dave").readInBackground();
        open.add(dave);
        ClusterTest.joined(dave, "quiet");
        NatsBus other = bus(nats, NODES);
        await().atMost(WAIT).ignoreExceptions().until(() -> other.retained("quiet").length == 2);
        assertThat(other.retained("quiet")).containsExactly(0, 0);
        assertThat(fetch(other, "quiet", -1, 100, 10)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.retained("no-such-group"))
                .isInstanceOf(GroupBus.Refused.class).hasMessage("Group 'no-such-group' does not exist");
    }

    @Test
    void everyNodeReportsTheSameEpochUntilTheStreamIsNew() throws Exception {
        try (NatsServer own = NatsServer.startNew()) {
            NatsBus a = bus(own, NODES);
            NatsBus b = bus(own, NODES);
            String epoch = a.epoch();
            assertThat(epoch).isNotBlank().isEqualTo(b.epoch());

            own.kill();
            own.start();
            NatsBus afterRestart = bus(own, NODES);
            assertThat(afterRestart.epoch()).as("the same store: the same epoch").isEqualTo(epoch);

            try (Connection c = Nats.connect(own.url())) {
                c.jetStreamManagement().deleteStream(NatsBus.STREAM);
            }
            NatsBus fresh = bus(own, NODES);
            assertThat(fresh.epoch()).as("a new stream: a new epoch").isNotEqualTo(epoch);
            // A running node takes the new epoch when it makes sure of the stream again (on reconnection).
            await().atMost(WAIT).until(afterRestart::up);
            own.kill();
            own.start();
            await().atMost(WAIT).until(() -> fresh.epoch().equals(afterRestart.epoch()));
        }
    }

    @Test
    void theRetentionOptionsAreTheStreamsLimitsAndALaterNodeUpdatesThem() throws Exception {
        try (NatsServer own = NatsServer.startNew(); Connection c = Nats.connect(own.url())) {
            Retention r = new Retention(Duration.ofHours(5), 1234, 50L << 20, Duration.ofSeconds(90));
            bus(own, r);
            StreamConfiguration sc = c.jetStreamManagement().getStreamInfo(NatsBus.STREAM).getConfiguration();
            assertThat(sc.getMaxAge()).isEqualTo(Duration.ofHours(5));
            assertThat(sc.getMaxMsgsPerSubject()).isEqualTo(1234);
            assertThat(sc.getMaxBytes()).isEqualTo(50L << 20);
            assertThat(sc.getDuplicateWindow()).isEqualTo(Duration.ofSeconds(90));

            String epoch = bus(own, r).epoch();
            Retention changed = new Retention(Duration.ofDays(2), 99, 10L << 20, Duration.ofMinutes(2));
            NatsBus later = bus(own, changed);
            sc = c.jetStreamManagement().getStreamInfo(NatsBus.STREAM).getConfiguration();
            assertThat(sc.getMaxAge()).isEqualTo(Duration.ofDays(2));
            assertThat(sc.getMaxMsgsPerSubject()).isEqualTo(99);
            assertThat(sc.getMaxBytes()).isEqualTo(10L << 20);
            assertThat(sc.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
            assertThat(later.epoch()).as("an update keeps the stream, and so the epoch").isEqualTo(epoch);

            bus(own, new Retention(Duration.ZERO, -1, -1, Duration.ofMinutes(1)));
            sc = c.jetStreamManagement().getStreamInfo(NatsBus.STREAM).getConfiguration();
            assertThat(List.of(sc.getMaxAge(), sc.getMaxMsgsPerSubject(), sc.getMaxBytes()))
                    .as("no limits").containsExactly(Duration.ZERO, -1L, -1L);

            // A dedup window longer than the age a message is kept is cut to it (JetStream requires it).
            bus(own, new Retention(Duration.ofSeconds(30), 10, 1L << 20, Duration.ofMinutes(2)));
            assertThat(c.jetStreamManagement().getStreamInfo(NatsBus.STREAM).getConfiguration().getDuplicateWindow())
                    .isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void aPostWhoseAckFailsIsToldToItsAuthor() throws Exception {
        try (NatsServer own = NatsServer.startNew()) {
            NatsBus bus = bus(own, NODES);
            try (Connection c = Nats.connect(own.url())) {
                c.jetStream().publish(Subjects.posts("gone"), BusPayload.encode("x", "y"));
                assertThat(post(bus, "gone", "seen", "c8").get(10, TimeUnit.SECONDS).failed()).isNull();
                c.jetStreamManagement().deleteStream(NatsBus.STREAM); // nothing acknowledges a publish now
            }
            Ack a = post(bus, "gone", "lost", "c9").get(10, TimeUnit.SECONDS);
            assertThat(a.failed()).startsWith("post to 'gone' not confirmed by the cluster bus");
        }
    }
}
