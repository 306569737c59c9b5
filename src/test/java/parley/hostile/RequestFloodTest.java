package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.FromServer;
import parley.server.ServerConfig;
import parley.testing.Harness;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.TestServer;

/**
 * A client sending cheap requests (Members, List, bad lines) as fast as it can. Before the request
 * rate only posts were limited, so every one of them was served; now, past the default
 * {@code --request-rate} (1000 a second, bursts of 2000), each gets the rate Error and is not acted
 * on, the refusals are counted, and other clients are unaffected.
 */
@DisplayName("hostile: request flood")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RequestFloodTest {
    private static final int REQUESTS = 6000;
    private static final String RATE_ERROR = "{\"Error\":\"requesting too fast: at most 1000 requests a second other "
            + "than posts (bursts of 2000); this request was not acted on\"}";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    @DisplayName("a flood of cheap requests gets the rate Error; a member's chat and /health carry on")
    void floodIsLimited() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20));
        try (TestClient carol = TestClient.hello(server.address(), "carol");
             TestClient flood = TestClient.connect(server.address())) {
            carol.send("{\"Join\":{\"group_name\":\"talk\"}}");
            Harness.awaitMembers(server.chat, "talk", 1);
            flood.readInBackground();
            // 6000 Members requests in one go: far over the burst, whatever the machine's speed.
            flood.sendRaw("{\"Members\":{\"group_name\":\"talk\"}}\n".repeat(REQUESTS));
            carol.send("{\"Post\":{\"group_name\":\"talk\",\"message\":\"hi\"}}");
            assertThat(parley.testing.TestClient.withoutTs(carol.readLine(Duration.ofSeconds(5))))
                    .isEqualTo("{\"Message\":{\"group_name\":\"talk\",\"message\":\"hi\",\"from\":\"carol\",\"seq\":1}}");
            assertThat(Scrape.get(server.http.port(), "/health").statusCode()).isEqualTo(200);

            int answered = 0;
            int refused = 0;
            for (int i = 0; i < REQUESTS; i++) {
                String line = flood.readLine(Duration.ofSeconds(20));
                if (line.equals(RATE_ERROR)) {
                    refused++;
                } else {
                    assertThat(TestClient.decode(line)).isInstanceOf(FromServer.Members.class);
                    answered++;
                }
            }
            assertThat(refused).as("refused of %d", REQUESTS).isGreaterThan(0);
            // The burst (2000) plus what the rate refilled meanwhile, never all of them.
            assertThat(answered).isGreaterThanOrEqualTo(2000).isLessThan(REQUESTS);
            assertThat(server.scrape().count("parley_errors_total{kind=\"request_rate\"}")).isEqualTo(refused);

            // The offender's connection stays, and a request after a pause is served again.
            Thread.sleep(50);
            flood.send("{\"Members\":{\"group_name\":\"talk\"}}");
            assertThat(flood.readLine(Duration.ofSeconds(5))).isEqualTo("{\"Members\":{\"group_name\":\"talk\",\"names\":[\"carol\"]}}");
            // A post is never counted against the request rate: the bucket is nearly empty after the
            // flood (50 ms refill), yet 900 posts in one go all go through. Fewer than the group
            // capacity (1000), so the poster, reading its own posts, can never lag behind them.
            flood.send("{\"Join\":{\"group_name\":\"talk\"}}");
            flood.sendRaw("{\"Post\":{\"group_name\":\"talk\",\"message\":\"p\"}}\n".repeat(900));
            for (int i = 0; i < 900; i++) {
                assertThat(flood.readLine(Duration.ofSeconds(20))).isEqualTo("{\"Message\":{\"group_name\":\"talk\",\"message\":\"p\"}}");
            }
        }
        await("backlog released").atMost(Duration.ofSeconds(30))
                .until(() -> server.scrape().count("parley_write_backlog_bytes") == 0);
    }
}
