package parley.hostile;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.budget.MemoryBudget;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.TestServer;

/**
 * Attack 1 of issue 18, the slowloris: many HTTP requests, each sent up to its last header and
 * never finished. The HTTP side holds at most {@code --max-http-connections} of them (the rest wait
 * unaccepted, holding no descriptor of the server), closes each one that has not arrived whole
 * within {@code --http-idle-timeout}, and answers {@code /health} once the attacker leaves; the
 * chat port is untouched throughout.
 */
@DisplayName("hostile: HTTP slowloris")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpSlowlorisTest {
    private static final int ATTACK = 600;
    private static final int MAX_HTTP = 50;
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final byte[] HALF_SENT = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n".getBytes(US_ASCII);

    private TestServer server;
    private final List<Socket> attack = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Socket s : attack) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (server != null) server.close();
    }

    private static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    @DisplayName("half-sent requests are held at most --max-http-connections at a time, closed at the timeout, and /health answers after")
    void slowloris() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20)
                .maxHttpConnections(MAX_HTTP).httpIdleTimeout(IDLE));
        int httpPort = server.http.port();
        assertThat(Scrape.get(httpPort, "/health").statusCode()).isEqualTo(200);
        try (TestClient member = TestClient.hello(server.address(), "member")) {
            member.join("room");
            long before = openDescriptors();

            for (int i = 0; i < ATTACK; i++) {
                Socket s = new Socket();
                attack.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", httpPort), 10_000);
                s.getOutputStream().write(HALF_SENT);
            }
            // The attacker's own sockets are in this process too; the server's side of them is
            // bounded by the limit (unbounded, it would be one more per attacking socket).
            long during = openDescriptors();
            System.out.println("slowloris: " + ATTACK + " half-sent requests, descriptors of this process " + before
                    + " -> " + during + " (the attacker's own " + ATTACK + " included)");
            assertThat(during - before).as("descriptors during the attack")
                    .isLessThan(ATTACK + MAX_HTTP + 100);

            // The chat port is not the HTTP port: a member's round trip works during the attack.
            member.post("room", "still here");
            assertThat(member.readLine()).contains("still here");

            // The first half-sent request is closed by the header timeout, not left open.
            Socket first = attack.getFirst();
            first.setSoTimeout(15_000);
            InputStream in = first.getInputStream();
            int got;
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                do {
                    got = in.read();
                } while (got >= 0 && System.nanoTime() < deadline);
            } catch (SocketTimeoutException e) {
                got = -2;
            } catch (IOException reset) {
                got = -1;
            }
            assertThat(got).as("the half-sent request was closed by the server").isEqualTo(-1);

            // The attacker leaves: /health answers again.
            for (Socket s : attack) s.close();
            long left = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Scrape.get(httpPort, "/health").statusCode() == 200);
            System.out.println("slowloris: /health answered " + (System.nanoTime() - left) / 1_000_000
                    + " ms after the attacker left");
            member.post("room", "after");
            assertThat(member.readLine()).contains("after");
            Scrape m = server.scrape();
            assertThat(m.count("parley_http_max_connections")).isEqualTo(MAX_HTTP);
            assertThat(m.count("parley_http_header_timeouts_total")).isGreaterThanOrEqualTo(1);
            for (MemoryBudget b : server.chat.chat().budgets().all()) {
                assertThat(b.used()).as(b.name()).isLessThanOrEqualTo(b.limit());
            }
        }
    }
}
