package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.budget.MemoryBudget;
import parley.server.Metrics;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.WsFrameClient;
import parley.testing.WsFrameClient.Frame;

/**
 * Attack 8 of issue 18: many WebSocket connections each with a message left unfinished, its first
 * frame sent and the next one announced (1 MiB in all) but never completed. Each message is held
 * in bytes and reserved from the fragments budget (5% of --max-memory: 12.8 MiB of 256 MiB) when
 * a frame's header arrives; the connections beyond it get
 * {@code {"Error":"server busy: no memory for this WebSocket message now; closing the connection"}}
 * and a Close with 1008. The budget is never exceeded, its refusals are counted in /metrics, a
 * WebSocket member and a TCP member keep chatting, /health answers, and all is given back when
 * the attackers go.
 */
@DisplayName("hostile: WebSocket fragment flood")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketFragmentFloodTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int ATTACKERS = 30;
    private static final int FIRST = 64 * 1024;
    private static final int ANNOUNCED = 960 * 1024;

    @Test
    @DisplayName("the fragments budget bounds unfinished messages; the rest are refused with 1008, and all is released")
    void flood() throws Exception {
        try (WebTarget server = WebTarget.start(ServerConfig.builder().maxMemoryBytes(256L << 20));
             TestClient member = TestClient.connect(server.tcp());
             WsFrameClient browser = WsFrameClient.open(server.port())) {
            MemoryBudget fragments = server.chat.chat().budgets().fragments();
            assertThat(fragments.limit()).isEqualTo((256L << 20) / 100 * 5);
            member.join("calm");
            member.join("solo");
            server.roundTrip(member, "solo", -1); // both joins have been handled
            browser.text("{\"Join\":{\"group_name\":\"calm\"}}");
            browser.text(TestClient.postLine("calm", "hello"));
            assertThat(browser.readText(WAIT)).isEqualTo(TestClient.messageLine("calm", "hello"));
            member.expectLine(TestClient.messageLine("calm", "hello"));
            // The message's bytes are given back just after it has been handled.
            await().atMost(WAIT).until(() -> fragments.used() == 0);

            AtomicLong peak = new AtomicLong();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (watching.get()) {
                    peak.accumulateAndGet(fragments.used(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            List<WsFrameClient> attackers = new ArrayList<>();
            int refused = 0;
            int held = 0;
            try {
                for (int i = 0; i < ATTACKERS; i++) {
                    WsFrameClient a = WsFrameClient.open(server.port());
                    attackers.add(a);
                    a.frame(false, WsFrameClient.TEXT, new byte[FIRST]);
                    a.header(false, WsFrameClient.CONTINUATION, ANNOUNCED);
                    a.socket().getOutputStream().write(new byte[1000]); // a little of it, then nothing
                    a.socket().getOutputStream().flush();
                    if (i % 5 == 4) {
                        server.roundTrip(member, "solo", i);
                        assertThat(server.get("/health", "127.0.0.1:" + server.port())).isEqualTo(200);
                    }
                }
                // Each attacker either holds its message (nothing comes back) or is refused.
                for (WsFrameClient a : attackers) {
                    String text = a.readText(Duration.ofMillis(300));
                    if (text == null) {
                        held++;
                        continue;
                    }
                    assertThat(text).isEqualTo(TestClient.errorLine(
                            "server busy: no memory for this WebSocket message now; closing the connection"));
                    Frame close = a.readUntilClose(WAIT);
                    assertThat(close).isNotNull();
                    assertThat(close.closeCode()).isEqualTo(1008);
                    refused++;
                }
                long each = arrayBytes(FIRST + ANNOUNCED);
                assertThat(held).isEqualTo((int) (fragments.limit() / each));
                assertThat(refused).isEqualTo(ATTACKERS - held);
                assertThat(fragments.used()).isEqualTo(held * each).isLessThanOrEqualTo(fragments.limit());

                // Members chat on: the browser's small messages still fit beside the held ones.
                browser.text(TestClient.postLine("calm", "during"));
                assertThat(browser.readText(WAIT)).isEqualTo(TestClient.messageLine("calm", "during"));
                member.expectLine(TestClient.messageLine("calm", "during"));
                server.roundTrip(member, "solo", 100);

                assertThat(fragments.refusals()).isGreaterThanOrEqualTo(refused);
                Scrape metrics = Scrape.metrics(server.port());
                assertThat(metrics.value("parley_budget_refusals_total{budget=\"fragments\"}")).isGreaterThanOrEqualTo(refused);
                assertThat(server.chat.metrics().errors(Metrics.ErrorKind.MEMORY)).isEqualTo(refused);
            } finally {
                for (WsFrameClient a : attackers) a.close();
                watching.set(false);
                watcher.join();
            }
            assertThat(peak.get()).isLessThanOrEqualTo(fragments.limit());
            await().atMost(WAIT).until(() -> fragments.used() == 0 && server.chat.connectionCount() == 2);
            server.roundTrip(member, "solo", 200);
        }
    }

    private static long arrayBytes(int n) {
        return 16 + ((n + 7L) & ~7L);
    }
}
