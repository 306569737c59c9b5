package parley.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.net.ChatServer;
import parley.server.ServerConfig;
import parley.testing.Scrape;

/**
 * The HTTP listener that dies (as Helidon's does when its accept fails with "Too many open
 * files") is found by the watchdog and started again on the same port.
 */
@DisplayName("HTTP watchdog")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpWatchdogTest {

    @Test
    @DisplayName("a dead listener is started again on its port, and counted")
    void restartsDeadListener() throws Exception {
        ChatServer chat = ChatServer.start(ServerConfig.builder().address(new InetSocketAddress("127.0.0.1", 0)).build());
        HttpFrontend http = HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), chat, List.of());
        try {
            int port = http.port();
            assertThat(Scrape.get(port, "/health").statusCode()).isEqualTo(200);
            http.killForTest();
            assertThat(http.listening()).isFalse();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> Scrape.get(port, "/health").statusCode() == 200);
            assertThat(http.port()).isEqualTo(port);
            assertThat(Scrape.metrics(port).count("parley_http_restarts_total")).isEqualTo(1);
        } finally {
            chat.close();
            http.close();
        }
    }
}
