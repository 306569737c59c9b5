package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.TestServer;

/**
 * Vanished peers (issue 18): with {@code --read-idle}, a connection that sends nothing for that
 * long is told and closed, whether its reader waits in a thread or in the idle-readers epoll set;
 * one that keeps talking stays. (TCP keep-alive on accepted sockets is checked in
 * {@code parley.net.KeepAliveTest}.)
 */
@DisplayName("hostile: vanished peers (read idle)")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VanishedPeerTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    @DisplayName("a silent connection is closed after --read-idle; a talking one stays")
    void readIdle() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20).readIdle(Duration.ofSeconds(1)));
        try (TestClient silent = server.connect(); TestClient talker = TestClient.hello(server.address(), "talker")) {
            talker.join("room");
            long start = System.nanoTime();
            // The talker posts every 300 ms for 2.5 s, well past the read-idle time.
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2500)) {
                talker.post("room", "hi");
                assertThat(talker.readLine()).contains("hi");
                Thread.sleep(300);
            }
            assertThat(silent.readLine(Duration.ofSeconds(10)))
                    .isEqualTo("{\"Error\":\"closing an idle connection: nothing received for 1s\"}");
            assertThat(silent.closedByServer()).isTrue();
            talker.post("room", "still");
            assertThat(talker.readLine()).contains("still");
            Scrape m = server.scrape();
            assertThat(m.count("parley_connections_closed_total{reason=\"read_idle\"}")).isEqualTo(1);
            assertThat(m.count("parley_errors_total{kind=\"read_idle\"}")).isEqualTo(1);
        }
    }
}
