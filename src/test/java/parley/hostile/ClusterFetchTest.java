package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.budget.MemoryBudget;
import parley.cluster.NatsBus;
import parley.cluster.NatsServer;
import parley.http.HttpFrontend;
import parley.net.ChatServer;
import parley.protocol.FromServer;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;

/**
 * Attack 7 of issue 18: a client on a node with no local member of a group Fetches the group's
 * large retained history and never reads. Before, the node read the whole history from the stream
 * into a list (674 MiB per such client with 700 x 1 MB retained) and, once the client was gone,
 * went on encoding every remaining message into the closed connection. Now the Fetch reads one
 * message at a time, each counted in the reads budget while it is encoded, held back by the
 * client's reply backlog, and stops once the client is gone. Needs nats-server (skipped
 * otherwise, as the cluster tests are).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFetchTest {
    private static final int POSTS = 60;
    private static final int SIZE = 400_000; // under NATS's 1 MB payload limit with its JSON around it
    private static NatsServer nats;

    @BeforeAll
    static void startNats() throws Exception {
        nats = NatsServer.startNew();
    }

    @AfterAll
    static void stopNats() throws Exception {
        if (nats != null) nats.close();
    }

    private static ChatServer node(List<AutoCloseable> open, List<NatsBus> buses) throws Exception {
        ServerConfig config = ServerConfig.builder().address(new InetSocketAddress("127.0.0.1", 0))
                .maxMemoryBytes(256L << 20).closeFlushTimeout(Duration.ofSeconds(1)).build();
        NatsBus bus = NatsBus.connect(List.of(nats.url()), config.historyMessages());
        ChatServer n = ChatServer.start(config, bus);
        open.add(n);
        buses.add(bus);
        await().atMost(Duration.ofSeconds(20)).until(bus::up);
        return n;
    }

    @Test
    void aFetchOfALargeHistoryByAClientThatNeverReadsHoldsOneMessageAndStopsWhenItLeaves() throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        List<NatsBus> buses = new ArrayList<>();
        try {
            ChatServer n1 = node(open, buses);
            ChatServer n2 = node(open, buses);
            NatsBus bus2 = buses.get(1);
            HttpFrontend http = HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), n2, List.of());
            open.add(http::close);

            // n1: a member posts the history, and reads it back so every post is in the stream
            TestClient poster = TestClient.hello(n1.address(), "poster");
            open.add(poster);
            poster.join("big");
            String body = "x".repeat(SIZE - 8);
            List<Long> seqs = new ArrayList<>();
            for (int k = 0; k < POSTS; k++) {
                poster.post("big", String.format("%07d ", k) + body);
            }
            for (FromServer.Message m : poster.messages(POSTS, Duration.ofSeconds(60))) seqs.add(m.seq());

            // n2 has no member of "big": a client asks for all of it and reads nothing
            MemoryBudget reads = n2.chat().budgets().reads();
            TestClient hostile = TestClient.connect(new InetSocketAddress("127.0.0.1", n2.address().getPort()), 4096);
            open.add(hostile);
            hostile.send("{\"Hello\":{\"name\":\"hostile\"}}");
            hostile.fetch("big", 0, POSTS);
            AtomicLong peak = new AtomicLong();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().name("reads-sampler").start(() -> {
                while (sampling.get()) {
                    peak.accumulateAndGet(reads.used(), Math::max);
                    Thread.onSpinWait();
                }
            });

            // the read is held back by the client's backlog: it stops well short of the history
            await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(500)).until(() -> {
                long a = bus2.historyRead();
                Thread.sleep(300);
                return a > 0 && bus2.historyRead() == a;
            });
            long readWhileStalled = bus2.historyRead();
            assertThat(reads.used()).as("the message in hand is counted in the reads budget").isPositive()
                    .isLessThanOrEqualTo(5L * SIZE + 256);
            System.out.printf("fetch stalled after reading %d of %d messages from the stream%n", readWhileStalled, POSTS);
            assertThat(readWhileStalled).as("read no further than the backlog allows").isLessThan(POSTS);

            // meanwhile the node serves: /health, and a member's round trip on n2
            assertThat(Scrape.get(http.port(), "/health").statusCode()).isEqualTo(200);
            TestClient member = TestClient.hello(n2.address(), "member");
            open.add(member);
            member.join("chat");
            member.post("chat", "ping");
            assertThat(member.until(r -> r instanceof FromServer.Message, Duration.ofSeconds(20)).getLast())
                    .extracting(r -> ((FromServer.Message) r).message()).isEqualTo("ping");

            // the client goes: the read stops, and nothing is held for it
            hostile.abort();
            await().atMost(Duration.ofSeconds(20)).until(() -> n2.chat().connectionCount() == 1);
            Thread.sleep(500);
            long readAfter = bus2.historyRead();
            System.out.printf("after the client left: %d of %d read; reads budget peak %d of %d%n", readAfter, POSTS,
                    peak.get(), reads.limit());
            assertThat(readAfter).as("the read stopped when the client went").isLessThanOrEqualTo(readWhileStalled + 1);
            sampling.set(false);
            sampler.join();
            assertThat(peak.get()).as("one message at a time").isLessThanOrEqualTo(5L * SIZE + 256);
            assertThat(reads.used()).as("released").isZero();

            // a client that reads gets the history, in order, streamed; and the newest few
            TestClient reader = TestClient.hello(n2.address(), "reader");
            open.add(reader);
            reader.fetch("big", seqs.get(9), 20);
            List<FromServer.Message> got = reader.messages(20, Duration.ofSeconds(30));
            assertThat(got).extracting(FromServer.Message::seq).isEqualTo(seqs.subList(10, 30));
            assertThat(got.getFirst().message()).startsWith("0000010 ");
            reader.fetch("big", -1, 3);
            assertThat(reader.messages(3, Duration.ofSeconds(30))).extracting(FromServer.Message::seq)
                    .isEqualTo(seqs.subList(POSTS - 3, POSTS));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }
}
