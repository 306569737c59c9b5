package parley.server;

import parley.testing.Harness;
import parley.testing.TestClient;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static parley.testing.Harness.awaitMembers;
import static parley.testing.TestClient.messageLine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.Codec;
import parley.protocol.FromServer;

/** Fan-out: many groups, many posters, many members; nothing lost, duplicated, torn or reordered. */
class FanoutTest {
    static final int GROUPS = 5;
    static final int POSTERS = 5;
    static final int PER_POSTER = 200;

    /** A message that names its poster and sequence; every 50th is long (crosses write-buffer bounds). */
    private static String body(int poster, int seq) {
        String head = "p" + poster + "-" + seq + "|";
        int pad = seq % 50 == 7 ? 40_000 : seq % 10 * 300; // 40 KB > the 32 KiB write buffer
        return head + "\u00e9x\"\\".repeat(pad / 5);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneMemberOfFiveGroupsGetsEveryMessageOnceWholeAndInPosterOrder() throws Exception {
        try (ChatServer server = ChatServer.start(Harness.loopback());
                TestClient member = TestClient.connect(server)) {
            for (int g = 0; g < GROUPS; g++) member.join("fan-" + g);
            for (int g = 0; g < GROUPS; g++) awaitMembers(server, "fan-" + g, 1);

            List<TestClient> posters = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(POSTERS);
            try {
                for (int p = 0; p < POSTERS; p++) posters.add(TestClient.connect(server));
                List<Future<?>> sent = new ArrayList<>();
                for (int p = 0; p < POSTERS; p++) {
                    int poster = p;
                    TestClient c = posters.get(p);
                    sent.add(pool.submit(() -> {
                        // Mixed groups; sometimes one line per write, sometimes several lines in one write.
                        ByteArrayOutputStream batch = new ByteArrayOutputStream();
                        for (int seq = 0; seq < PER_POSTER; seq++) {
                            String line = TestClient.postLine(groupOf(poster, seq), body(poster, seq)) + "\n";
                            batch.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                            if ((seq + poster) % 3 == 0 || seq == PER_POSTER - 1) {
                                c.sendBytes(batch.toByteArray());
                                batch.reset();
                            }
                        }
                        return null;
                    }));
                }

                // Read concurrently with the posting.
                int total = POSTERS * PER_POSTER;
                Set<String> seen = new HashSet<>();
                Map<String, Integer> lastSeq = new HashMap<>(); // per poster per group
                for (int i = 0; i < total; i++) {
                    byte[] raw = member.readLineBytes(Duration.ofSeconds(60));
                    assertThat(raw).as("line %d", i).isNotNull();
                    // Every line is one complete packet: it must decode on its own.
                    FromServer packet = Codec.decodeReply(raw, 0, raw.length);
                    assertThat(packet).as("line %d", i).isInstanceOf(FromServer.Message.class);
                    FromServer.Message m = (FromServer.Message) packet;
                    String id = m.message().substring(0, m.message().indexOf('|'));
                    int poster = Integer.parseInt(id.substring(1, id.indexOf('-')));
                    int seq = Integer.parseInt(id.substring(id.indexOf('-') + 1));
                    assertThat(m.groupName()).isEqualTo(groupOf(poster, seq));
                    assertThat(m.message()).isEqualTo(body(poster, seq));
                    // Byte-exact as the server encodes it.
                    assertThat(new String(raw, StandardCharsets.UTF_8)).isEqualTo(messageLine(m.groupName(), m.message()));
                    assertThat(seen.add(id)).as("duplicate %s", id).isTrue();
                    Integer prev = lastSeq.put(poster + "@" + m.groupName(), seq);
                    if (prev != null) {
                        assertThat(seq).as("order of poster %d in %s", poster, m.groupName()).isGreaterThan(prev);
                    }
                }
                for (Future<?> f : sent) f.get(60, TimeUnit.SECONDS);
                assertThat(seen).hasSize(total);

                // Nothing else is pending: the next line is a fresh sentinel.
                posters.get(0).post("fan-0", "sentinel");
                member.expectLine(messageLine("fan-0", "sentinel"), Duration.ofSeconds(30));
                for (int g = 0; g < GROUPS; g++) {
                    assertThat(server.groups().get("fan-" + g).posted()).isEqualTo(g == 0 ? total / GROUPS + 1 : total / GROUPS);
                }
            } finally {
                pool.shutdownNow();
                posters.forEach(TestClient::close);
            }
        }
    }

    private static String groupOf(int poster, int seq) {
        return "fan-" + (poster + seq) % GROUPS;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void twoThousandConnectionsInOneGroupEachGetThePost() throws Exception {
        int wanted = 2000;
        long limit = Harness.maxOpenFiles();
        // Each connection costs two descriptors in this JVM (client and server side), plus headroom.
        int headroom = 300;
        int n = limit < 0 ? wanted : (int) Math.max(0, Math.min(wanted, (limit - Harness.openFds() - headroom) / 2));
        System.out.println("FanoutTest: max open files " + limit + ", running with " + n + " connections");
        Assumptions.assumeTrue(n >= 10, "open-file limit " + limit + " is too low to run even a reduced fan-out");

        List<TestClient> clients = new ArrayList<>(n);
        try (ChatServer server = ChatServer.start(Harness.loopback())) {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                for (int i = 0; i < n; i++) {
                    assertThat(System.nanoTime()).as("time to open %d connections", n).isLessThan(deadline);
                    TestClient c = TestClient.connect(server.address(), -1, 512);
                    clients.add(c);
                    c.join("crowd");
                }
                await("all joined").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                        .until(() -> Harness.members(server, "crowd") == n);
                assertThat(server.connectionCount()).isEqualTo(n);

                try (TestClient poster = TestClient.connect(server)) {
                    poster.post("crowd", "to all of you");
                    String expected = messageLine("crowd", "to all of you");
                    for (TestClient c : clients) {
                        c.expectLine(expected, Duration.ofSeconds(60));
                    }
                }
            } finally {
                clients.forEach(TestClient::close);
            }
            await("all gone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> server.connectionCount() == 0 && server.groups().size() == 0);
        }
        Assumptions.assumeTrue(n == wanted, "ran with only " + n + " of " + wanted
                + " connections: the open-file limit " + limit + " is too low for the full test");
    }

    /**
     * Posts read in one go hold back their groups' wakes until the lines run out: they must come
     * when the reader is left with half a line and waits for the rest, and in order. (A read
     * buffer big enough for the whole burst, so it is read in one go: with the default 256 bytes,
     * an unheld post to each group would come between reads and wake its members anyway.)
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {6, 40, 400})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void postsReadTogetherReachTheMembersWhileThePosterIsMidLine(int posts) throws Exception {
        try (ChatServer server = ChatServer.start(Harness.loopback().toBuilder().readBufferBytes(64 * 1024).build());
                TestClient poster = TestClient.connect(server);
                TestClient a1 = TestClient.connect(server);
                TestClient a2 = TestClient.connect(server);
                TestClient b1 = TestClient.connect(server)) {
            a1.join("burst-a");
            a2.join("burst-a");
            b1.join("burst-b");
            awaitMembers(server, "burst-a", 2);
            awaitMembers(server, "burst-b", 1);
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < posts; i++) {
                burst.append(TestClient.postLine(i % 3 == 2 ? "burst-b" : "burst-a", "m" + i)).append('\n');
            }
            String last = TestClient.postLine("burst-a", "last");
            burst.append(last, 0, last.length() / 2);
            poster.sendBytes(burst.toString().getBytes(StandardCharsets.UTF_8));

            for (int i = 0; i < posts; i++) {
                if (i % 3 == 2) {
                    assertThat(b1.readLine(Duration.ofSeconds(10))).isEqualTo(messageLine("burst-b", "m" + i));
                } else {
                    assertThat(a1.readLine(Duration.ofSeconds(10))).isEqualTo(messageLine("burst-a", "m" + i));
                    assertThat(a2.readLine(Duration.ofSeconds(10))).isEqualTo(messageLine("burst-a", "m" + i));
                }
            }
            poster.sendBytes((last.substring(last.length() / 2) + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(a1.readLine(Duration.ofSeconds(10))).isEqualTo(messageLine("burst-a", "last"));
            assertThat(a2.readLine(Duration.ofSeconds(10))).isEqualTo(messageLine("burst-a", "last"));
        }
    }
}
