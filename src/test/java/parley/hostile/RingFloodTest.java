package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.budget.MemoryBudget;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.TestServer;

/**
 * Attack 6 of issue 18: one client posts 1 MB messages into several groups, each with one member
 * that reads nothing. Before rings were bounded in bytes, each ring held up to its capacity of
 * messages whatever their size (1,000 x 1 MiB x 2 encodings per group) and the server ran out of
 * heap. Now each ring holds at most --group-capacity-bytes and all of them at most the rings
 * budget (a share of --max-memory): the budget never exceeds its limit and its refusals are
 * counted, each slow member is told exactly how many messages it missed ({@code Dropped N
 * messages from G.}: what it read plus what it was told it missed is what was posted), the poster
 * gets no Error and no reset, /health and a member's round trip keep working, and the memory comes
 * back when the groups go.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RingFloodTest {
    private static final int GROUPS = 4;
    private static final int POSTS = 120; // 30 a group: 120 MB posted, each held as ~4 MB (text + two encodings)
    private static final int SIZE = 1_000_000;
    private static final Pattern DROPPED = Pattern.compile("Dropped (\\d+) messages from (g\\d)\\.");

    @Test
    void largePostsIntoSeveralGroupsStayWithinTheRingsBudgetAndSlowMembersLearnExactlyWhatTheyMissed()
            throws Exception {
        try (TestServer server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20))) {
            MemoryBudget rings = server.chat.chat().budgets().rings();
            long baseline = rings.used();
            List<TestClient> slow = new ArrayList<>();
            for (int g = 0; g < GROUPS; g++) {
                // a member that reads nothing until the flood is over, with a small receive buffer
                TestClient c = TestClient.connect(server.address(), 8 * 1024);
                c.join("g" + g);
                slow.add(c);
            }
            TestClient member = server.connect();
            member.join("chat");
            for (int g = 0; g < GROUPS; g++) parley.testing.Harness.awaitMembers(server.chat, "g" + g, 1);
            parley.testing.Harness.awaitMembers(server.chat, "chat", 1);

            AtomicLong peak = new AtomicLong();
            AtomicBoolean flooding = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().name("ring-sampler").start(() -> {
                while (flooding.get()) {
                    peak.accumulateAndGet(rings.used(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            TestClient poster = server.connect();
            char[] filler = new char[SIZE - 8];
            java.util.Arrays.fill(filler, 'x');
            String body = new String(filler);
            for (int k = 0; k < POSTS; k++) {
                poster.post("g" + (k % GROUPS), String.format("%07d ", k) + body);
                if (k % 20 == 19) {
                    // during the flood: /health answers, and a member's round trip works
                    assertThat(Scrape.get(server.http.port(), "/health").statusCode()).isEqualTo(200);
                    member.post("chat", "ping " + k);
                    assertThat(member.readLine(Duration.ofSeconds(20))).isEqualTo(TestClient.messageLine("chat", "ping " + k));
                }
            }
            // the poster's lines have all been handled, with no Error and no reset
            List<String> sync = poster.sync();
            assertThat(sync).as("the poster got nothing but the List reply").hasSize(1);
            flooding.set(false);
            sampler.join();
            for (int g = 0; g < GROUPS; g++) parley.testing.Harness.awaitPosted(server.chat, "g" + g, POSTS / GROUPS);

            long limit = rings.limit();
            System.out.printf("rings budget: limit %d, peak used %d, refusals %d%n", limit, peak.get(), rings.refusals());
            assertThat(peak.get()).as("ring memory is counted").isGreaterThan(baseline);
            assertThat(peak.get()).as("the rings budget never exceeds its limit").isLessThanOrEqualTo(limit);
            assertThat(rings.refusals()).as("the budget's refusals are counted").isPositive();
            assertThat(server.scrape().value("parley_budget_refusals_total{budget=\"rings\"}")).isPositive();

            // each slow member: every message posted to its group read, or counted in an exact notice
            for (int g = 0; g < GROUPS; g++) {
                TestClient c = slow.get(g);
                long read = 0, dropped = 0, notices = 0;
                int expectNext = g; // posts to gN are N, N + 4, ...: what is read comes in order
                while (read + dropped < POSTS / GROUPS) {
                    String line = c.readLine(Duration.ofSeconds(20));
                    Matcher m = DROPPED.matcher(line);
                    if (line.startsWith("{\"Message\":")) {
                        int k = Integer.parseInt(line.substring(line.indexOf("\"message\":\"") + 11).substring(0, 7));
                        assertThat(k).as("g%d reads in order", g).isGreaterThanOrEqualTo(expectNext);
                        assertThat((k - g) / GROUPS).as("g%d: message %d after %d read + %d dropped", g, k, read, dropped)
                                .isEqualTo(read + dropped);
                        expectNext = k + GROUPS;
                        read++;
                    } else if (m.find()) {
                        assertThat(m.group(2)).isEqualTo("g" + g);
                        dropped += Long.parseLong(m.group(1));
                        notices++;
                    } else {
                        throw new AssertionError("g" + g + ": unexpected " + line.substring(0, Math.min(200, line.length())));
                    }
                }
                System.out.printf("g%d: read %d, dropped %d in %d notices%n", g, read, dropped, notices);
                assertThat(read + dropped).isEqualTo(POSTS / GROUPS);
                assertThat(dropped).as("g%d's member fell behind the byte window or the budget", g).isPositive();
                c.expectNoLineWithin(Duration.ofMillis(200));
            }

            // the server is still serving, and everything comes back when the groups go
            member.post("chat", "after");
            member.expectLine(TestClient.messageLine("chat", "after"));
            poster.close();
            for (TestClient c : slow) c.close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rings.used())
                    .as("the rings budget is back to its baseline").isEqualTo(baseline + heldByChat(server)));
            member.close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rings.used()).isEqualTo(baseline));
        }
    }

    /**
     * With the smallest --max-memory (64m: a rings budget of about 25.6 MiB), one group holding
     * six 1 MB posts (about 4 MB each in memory) leaves no room for a post to a second, empty
     * group: that post gets an Error naming the budget and is not delivered; the first group's
     * messages are not touched, and once it has room again posts go through.
     */
    @Test
    void aPostNoRingCanHoldGetsAnErrorNamingTheRingsBudget() throws Exception {
        try (TestServer server = TestServer.start(ServerConfig.builder().maxMemoryBytes(64L << 20))) {
            MemoryBudget rings = server.chat.chat().budgets().rings();
            TestClient a = server.connect();
            a.join("a");
            TestClient b = server.connect();
            b.join("b");
            parley.testing.Harness.awaitMembers(server.chat, "a", 1);
            parley.testing.Harness.awaitMembers(server.chat, "b", 1);
            a.readInBackground();
            TestClient poster = server.connect();
            String body = "y".repeat(SIZE);
            for (int k = 0; k < 6; k++) poster.post("a", body);
            parley.testing.Harness.awaitPosted(server.chat, "a", 6);
            assertThat(rings.used()).isGreaterThan(rings.limit() - 4L * SIZE);
            poster.post("b", body);
            assertThat(poster.readLine()).isEqualTo(TestClient.errorLine("server memory for group messages is full (the rings "
                    + "budget, " + rings.limit() + " bytes of --max-memory); this post was not delivered to 'b'"));
            assertThat(server.chat.chat().groups().get("b").posted()).isZero();
            assertThat(server.scrape().value("parley_errors_total{kind=\"memory\"}")).isEqualTo(1.0);
            b.expectNoLineWithin(Duration.ofMillis(200));
            poster.post("b", "small");
            b.expectLine(TestClient.messageLine("b", "small"));
            assertThat(rings.used()).isLessThanOrEqualTo(rings.limit());
            a.close();
            b.close();
            poster.close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rings.used()).isZero());
        }
    }

    /** What the well-behaved member's own group still holds. */
    private static long heldByChat(TestServer server) {
        var g = server.chat.chat().groups().get("chat");
        return g == null ? 0 : ringHeld(g);
    }

    private static long ringHeld(parley.server.Group g) {
        return g.heldBytes();
    }
}
