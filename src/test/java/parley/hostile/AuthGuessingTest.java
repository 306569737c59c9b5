package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.auth.AuthTokens;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestServer;

/**
 * Guessing tokens: one address sends wrong Auth tokens connection after connection. Before the
 * throttle every guess was checked; now after 5 failures within a minute the address's further
 * Auth attempts are refused unread (even a right token) with the same words, counted as
 * {@code auth_throttled}, while a right token from another address still signs in.
 */
@DisplayName("hostile: Auth guessing")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthGuessingTest {
    private static final String ALICE = "secret-alice-0123456789";
    private static final String FAILED = "{\"Error\":\"authentication failed; closing the connection\"}";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Sends one Auth from {@code local} (a loopback address) and returns the first reply line, or null at end of stream. */
    private String tryToken(String local, String token) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(local, 0));
            s.setSoTimeout(10_000);
            s.connect(server.address(), 10_000);
            s.getOutputStream().write(("{\"Auth\":{\"token\":\"" + token + "\"}}\n{\"List\":{}}\n").getBytes(UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8));
            return in.readLine();
        }
    }

    @Test
    @DisplayName("wrong tokens from one address are throttled; a right token from another address still works")
    void guessingIsThrottled() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20), null,
                AuthTokens.of(Map.of(ALICE, "alice")));
        for (int i = 0; i < 5; i++) {
            assertThat(tryToken("127.0.0.1", "guess-" + i)).isEqualTo(FAILED);
        }
        // Further guesses, and even the right token, from the same address: refused unread.
        for (int i = 5; i < 20; i++) {
            assertThat(tryToken("127.0.0.1", "guess-" + i)).isEqualTo(FAILED);
        }
        assertThat(tryToken("127.0.0.1", ALICE)).isEqualTo(FAILED);
        Scrape after = server.scrape();
        assertThat(after.count("parley_errors_total{kind=\"auth_throttled\"}")).isEqualTo(16);
        assertThat(after.count("parley_errors_total{kind=\"auth\"}")).isEqualTo(5);

        // Another address is not affected: the right token signs in and is served.
        assertThat(tryToken("127.0.0.2", ALICE)).isEqualTo("{\"Groups\":[]}");
        assertThat(Scrape.get(server.http.port(), "/health").statusCode()).isEqualTo(200);
        // The client closed its socket as tryToken returned; the server counts it gone once it reads the end.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(server.scrape().count("parley_connections")).isZero());
    }
}
