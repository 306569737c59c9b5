package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.auth.AuthTokens;
import parley.budget.MemoryBudget;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.TestServer;

/**
 * Attack 5 of issue 18: many silent connections each send a long line and never finish it. Each
 * one's buffer was bounded (1 MiB) but nothing bounded their sum, and an unfinished line never
 * timed out: 3,500 of them took the heap to 6.2 GiB. Now the buffers' growth draws from the lines
 * budget, so the connections beyond it get an Error and are closed before it is exceeded, the line
 * timeout closes the rest, a member keeps chatting throughout, and with authentication on a
 * connection that has not authenticated may not send more than a small line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnfinishedLinesTest {
    private static final String BUSY = "{\"Error\":\"server busy: too many long lines in progress; closing the connection\"}";
    private static final String TIMED_OUT = "{\"Error\":\"line not finished within 3s; closing the connection\"}";
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void longUnfinishedLinesAreBoundedByTheBudgetAndTheLineTimeout() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20).lineTimeout(Duration.ofSeconds(3)));
        MemoryBudget lines = server.chat.chat().budgets().lines();
        // 600 KB each grows a buffer to 1 MiB: about 38 fit in the 38 MiB budget of a 256 MiB server.
        int attackers = (int) (lines.limit() / (1 << 20)) + 20;
        TestClient member = server.connect();
        member.join("g");
        roundTrip(member, 0);

        AtomicLong maxUsed = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (sampling.get()) {
                maxUsed.accumulateAndGet(lines.used(), Math::max);
                Thread.onSpinWait();
            }
        });
        byte[] unfinished = "x".repeat(600_000).getBytes();
        List<TestClient> clients = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
            TestClient c = server.connect();
            clients.add(c);
            senders.add(Thread.ofVirtual().start(() -> {
                try {
                    c.sendBytes(unfinished);
                } catch (Exception ignored) {
                    // refused and closed while sending
                }
            }));
        }
        // While they hold their lines, the member chats and /health answers.
        for (int i = 1; i <= 10; i++) {
            roundTrip(member, i);
            assertThat(Scrape.get(server.http.port(), "/health").statusCode()).isEqualTo(200);
        }
        int busy = 0, timedOut = 0;
        for (TestClient c : clients) {
            String line = c.readLine(Duration.ofSeconds(30));
            if (line.equals(BUSY)) busy++;
            else if (line.equals(TIMED_OUT)) timedOut++;
            else throw new AssertionError("unexpected: " + line);
            c.expectClosed(Duration.ofSeconds(10));
        }
        sampling.set(false);
        sampler.join();
        for (Thread t : senders) t.join(Duration.ofSeconds(10));
        assertThat(busy).as("refused for the budget").isPositive();
        assertThat(timedOut).as("closed by the line timeout").isPositive();
        assertThat(busy + timedOut).isEqualTo(attackers);
        assertThat(maxUsed.get()).isPositive().isLessThanOrEqualTo(lines.limit());
        assertThat(lines.refusals()).isGreaterThanOrEqualTo(busy);
        roundTrip(member, 11);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.chat.chat().connectionCount() == 1);
        assertThat(lines.used()).isZero();
        Scrape m = server.scrape();
        assertThat(m.count("parley_errors_total{kind=\"line_budget\"}")).isEqualTo(busy);
        assertThat(m.count("parley_errors_total{kind=\"line_timeout\"}")).isEqualTo(timedOut);
        assertThat(m.count("parley_connections_closed_total{reason=\"line_timeout\"}")).isEqualTo(timedOut);
        member.close();
    }

    @Test
    void aConnectionThatHasNotAuthenticatedMayNotSendMoreThanASmallLine() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20), null,
                AuthTokens.of(Map.of("token-of-alice-1234", "alice")));
        MemoryBudget lines = server.chat.chat().budgets().lines();
        List<TestClient> strangers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestClient c = server.connect();
            strangers.add(c);
            Thread.ofVirtual().start(() -> {
                try {
                    c.sendBytes("y".repeat(100_000).getBytes());
                } catch (Exception ignored) {
                    // closed while sending
                }
            });
        }
        for (TestClient c : strangers) {
            assertThat(c.readLine(Duration.ofSeconds(20)))
                    .isEqualTo("{\"Error\":\"line too long: the limit is 4096 bytes; closing the connection\"}");
            c.expectClosed(Duration.ofSeconds(10));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> server.chat.chat().connectionCount() == 0);
        assertThat(lines.used()).isZero();
        // Once signed in, the usual limit applies.
        try (TestClient alice = server.connect()) {
            alice.send("{\"Auth\":{\"token\":\"token-of-alice-1234\"}}").join("g");
            String big = "z".repeat(50_000);
            alice.post("g", big);
            assertThat(alice.readLine(Duration.ofSeconds(20))).contains(big);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> lines.used() == 0);
    }

    private static void roundTrip(TestClient member, int n) throws Exception {
        member.post("g", "hello " + n);
        member.expectLine(TestClient.messageLine("g", "hello " + n), Duration.ofSeconds(10));
    }
}
