package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.budget.MemoryBudget;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.TestServer;

/**
 * Attack 3 of issue 18: a connection in 1,000 groups sends small bad requests and never reads.
 * Each queued error used to hold an ordering snapshot of 1,000 groups (8 KB) that the reply
 * backlog did not count, so the 1 MiB backlog limit let one such client pin about 200 MiB. Now the
 * backlog counts what each reply holds and draws from the replies budget: the attacker's reader
 * is paused within its limit, the budget is never exceeded, a member keeps chatting, and all of it
 * is given back when the attacker goes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplyBacklogAmplificationTest {
    private static final int GROUPS = 1000;
    private static final int BAD_REQUESTS = 200_000;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aNonReadingClientInManyGroupsIsPausedWithinItsBacklogAndTheBudget() throws Exception {
        ServerConfig.Builder config = ServerConfig.builder().maxMemoryBytes(256L << 20);
        server = TestServer.start(config);
        MemoryBudget replies = server.chat.chat().budgets().replies();
        long maxBacklog = server.chat.chat().config().maxReplyBacklogBytes();

        TestClient member = server.connect();
        member.join("g0");
        TestClient attacker = TestClient.connect(server.address(), 4096); // a small window: its replies stay queued
        StringBuilder joins = new StringBuilder();
        for (int i = 0; i < GROUPS; i++) joins.append("{\"Join\":{\"group_name\":\"g").append(i).append("\"}}\n");
        attacker.sendRaw(joins.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> server.chat.chat().groups().all().size() >= GROUPS);
        await().atMost(Duration.ofSeconds(30)).until(() -> server.chat.chat().memberCount() == GROUPS + 1);
        roundTrip(member, 0);
        long baseline = heapAfterGc();

        // Bad requests, in the background (the server stops reading them), while the member
        // chats in g0, which the attacker is in too, so the attacker's replies cannot all share
        // one snapshot.
        byte[] bad = "{}\n".repeat(BAD_REQUESTS).getBytes(StandardCharsets.US_ASCII);
        Thread flood = Thread.ofVirtual().start(() -> {
            try {
                attacker.sendBytes(bad);
            } catch (Exception ignored) {
                // closed at the end of the test
            }
        });
        AtomicLong maxUsed = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int trips = 0;
        while (server.scrape().count("parley_backlog_pauses_total") == 0 || trips < 20) {
            assertThat(System.nanoTime()).as("the attacker's reader is paused").isLessThan(deadline);
            roundTrip(member, ++trips);
            maxUsed.accumulateAndGet(replies.used(), Math::max);
            assertThat(replies.used()).isLessThanOrEqualTo(replies.limit());
        }
        Thread.sleep(200);
        // The attacker's reply backlog is bounded by what its replies really hold: the limit plus
        // at most one reply (8 KB of snapshot and the line), plus the write buffer in the writer's
        // hands; the budget, which counts the queue only, says the same.
        long backlog = server.chat.chat().writeBacklogBytes();
        assertThat(backlog).isPositive()
                .isLessThanOrEqualTo(maxBacklog + 16_384 + server.chat.chat().config().writeBufferBytes());
        assertThat(replies.used()).isPositive().isLessThanOrEqualTo(Math.min(replies.limit(), maxBacklog + 16_384));
        long pinned = heapAfterGc() - baseline;
        assertThat(pinned).as("heap pinned by the attacker's replies").isLessThan(32L << 20);
        assertThat(Scrape.get(server.http.port(), "/health").statusCode()).isEqualTo(200);
        assertThat(server.scrape().value("parley_budget_used_bytes{budget=\"replies\"}")).isPositive();

        attacker.abort();
        flood.join(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> server.chat.chat().connectionCount() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> replies.used() == 0);
        assertThat(server.chat.chat().writeBacklogBytes()).isZero();
        roundTrip(member, -1);
        member.close();
    }

    private static void roundTrip(TestClient member, int n) throws Exception {
        member.post("g0", "hello " + n);
        member.expectLine(TestClient.messageLine("g0", "hello " + n), Duration.ofSeconds(10));
    }
}
