package parley.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.ServerConfig;
import parley.testing.TestClient;
import parley.testing.Scrape;
import parley.testing.TestServer;

/** {@code /metrics} and {@code /health} scraped with a real HTTP client while real clients chat over TCP. */
@DisplayName("/metrics and /health")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    @DisplayName("counters and gauges follow the traffic exactly: connections, groups, members, posts, deliveries, bytes")
    void countsTraffic() throws Exception {
        server = TestServer.start(ServerConfig.builder());
        Scrape before = server.scrape();
        assertThat(before.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(before.count("parley_connections")).isZero();
        assertThat(before.count("parley_posts_total")).isZero();

        try (TestClient a = server.connect(); TestClient b = server.connect()) {
            String join = "{\"Join\":{\"group_name\":\"dogs\"}}";
            a.send(join);
            a.send("{\"Members\":{\"group_name\":\"dogs\"}}");
            assertThat(a.readLine()).isEqualTo("{\"Members\":{\"group_name\":\"dogs\",\"names\":[]}}");
            b.send(join);
            b.send("{\"List\":{}}");
            assertThat(b.readLine()).isEqualTo("{\"Groups\":[{\"name\":\"dogs\",\"members\":2}]}");
            long sentBytes = 0;
            long received = 0;
            for (int i = 0; i < 10; i++) {
                String post = "{\"Post\":{\"group_name\":\"dogs\",\"message\":\"woof " + i + "\"}}";
                a.send(post);
                sentBytes += post.getBytes(UTF_8).length + 1;
            }
            for (int i = 0; i < 10; i++) {
                String expected = "{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof " + i + "\"}}";
                assertThat(a.readLine()).isEqualTo(expected);
                assertThat(b.readLine()).isEqualTo(expected);
                received += 2L * (expected.length() + 1);
            }
            received += "{\"Groups\":[{\"name\":\"dogs\",\"members\":2}]}".length() + 1
                    + "{\"Members\":{\"group_name\":\"dogs\",\"names\":[]}}".length() + 1;
            long requestBytes = sentBytes + 2L * (join.length() + 1) + "{\"List\":{}}".length() + 1
                    + "{\"Members\":{\"group_name\":\"dogs\"}}".length() + 1;

            // A writer counts a batch just after the socket took it, so a client can read the
            // bytes a moment before they are counted.
            long expectedSent = received;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Scrape c = server.scrape();
                assertThat(c.count("parley_deliveries_total")).isEqualTo(20);
                assertThat(c.count("parley_sent_bytes_total")).isEqualTo(expectedSent);
            });
            Scrape s = server.scrape();
            assertThat(s.count("parley_connections")).isEqualTo(2);
            assertThat(s.count("parley_connections_opened_total")).isEqualTo(2);
            assertThat(s.count("parley_groups")).isEqualTo(1);
            assertThat(s.count("parley_members")).isEqualTo(2);
            assertThat(s.count("parley_posts_total")).isEqualTo(10);
            assertThat(s.count("parley_deliveries_total")).isEqualTo(20);
            assertThat(s.count("parley_received_bytes_total")).isEqualTo(requestBytes);
            assertThat(s.count("parley_sent_bytes_total")).isEqualTo(received);
            // Writes coalesce: never more batches than lines sent.
            assertThat(s.count("parley_writes_total")).isBetween(2L, 22L);
            assertThat(s.count("parley_write_backlog_bytes")).isZero();
            assertThat(s.count("parley_write_backlog_messages")).isZero();
            if (System.getProperty("os.name", "").startsWith("Linux")) {
                // b only reads: it waits without a thread (a posted ten lines and may still count as busy).
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> server.scrape().count("parley_connections_idle") >= 1);
            }
            assertThat(server.scrape().count("parley_connections_idle")).isBetween(0L, 2L);

            // Errors by kind.
            a.send("{\"Post\":{\"group_name\":\"cats\",\"message\":\"meow\"}}");
            assertThat(a.readLine()).isEqualTo("{\"Error\":\"Group 'cats' does not exist\"}");
            a.send("{not json");
            assertThat(a.readLine()).startsWith("{\"Error\":\"invalid JSON");
            a.send("{\"Leave\":{\"group_name\":\"birds\"}}");
            assertThat(a.readLine()).contains("not a member");
            Scrape e = server.scrape();
            assertThat(e.count("parley_errors_total{kind=\"no_such_group\"}")).isEqualTo(1);
            assertThat(e.count("parley_errors_total{kind=\"bad_request\"}")).isEqualTo(1);
            assertThat(e.count("parley_errors_total{kind=\"not_member\"}")).isEqualTo(1);
            assertThat(e.count("parley_errors_total{kind=\"post_rate\"}")).isZero();
        }
        // Both hung up: the gauges go back to zero, and the closes are counted as the clients'.
        await().atMost(WAIT).untilAsserted(() -> {
            Scrape s = server.scrape();
            assertThat(s.count("parley_connections")).isZero();
            assertThat(s.count("parley_groups")).isZero();
            assertThat(s.count("parley_members")).isZero();
            assertThat(s.count("parley_connections_closed_total{reason=\"client\"}")
                    + s.count("parley_connections_closed_total{reason=\"error\"}")).isEqualTo(2);
        });
    }

    @Test
    @DisplayName("the JVM's own metrics are there too")
    void jvmMetrics() throws Exception {
        server = TestServer.start(ServerConfig.builder());
        Scrape s = server.scrape();
        assertThat(s.value("jvm_threads_live_threads")).isPositive();
        assertThat(s.text()).contains("jvm_memory_used_bytes{").contains("process_uptime_seconds");
    }

    @Test
    @DisplayName("every parley_ metric the server exports has its row in docs/operations.md's metrics table")
    void docsTableListsEveryMetric() throws Exception {
        server = TestServer.start(ServerConfig.builder());
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("docs/operations.md"));
        String table = docs.substring(docs.indexOf("| metric | type | what |"));
        table = table.substring(0, table.indexOf("\n\n"));
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String line : server.scrape().text().split("\n")) {
            if (!line.startsWith("parley_")) continue;
            int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            names.add(line.substring(0, end));
        }
        assertThat(names).as("parley_ metrics scraped").isNotEmpty();
        for (String name : names) {
            // A row names the metric in backticks, alone or with its labels; the store's share one row.
            boolean listed = table.contains("`" + name + "`") || table.contains("`" + name + "{")
                    || (name.startsWith("parley_store_") && table.contains("`parley_store_*`"));
            assertThat(listed).as("%s has a row in docs/operations.md's metrics table", name).isTrue();
        }
    }

    @Test
    @DisplayName("/health: 200 with counts while serving, 503 once shutting down")
    void health() throws Exception {
        server = TestServer.start(ServerConfig.builder());
        try (TestClient a = server.connect()) {
            a.send("{\"Join\":{\"group_name\":\"dogs\"}}").send("{\"List\":{}}");
            a.readLine();
            HttpResponse<String> up = Scrape.get(server.http.port(), "/health");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo("{\"status\":\"up\",\"connections\":1,\"groups\":1,\"auth\":false}");
            Thread closer = Thread.ofVirtual().start(server.chat::close);
            assertThat(a.readLine()).isEqualTo("{\"Error\":\"server shutting down\"}");
            HttpResponse<String> down = Scrape.get(server.http.port(), "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\":\"stopping\"");
            closer.join();
        }
        assertThat(server.scrape().count("parley_connections_closed_total{reason=\"shutdown\"}")).isEqualTo(1);
        assertThat(server.scrape().count("parley_errors_total{kind=\"shutdown\"}")).isEqualTo(1);
    }

    @Test
    @DisplayName("parley_presence_total counts the Joined and Left a Hello'd member is sent")
    void countsPresence() throws Exception {
        server = TestServer.start(ServerConfig.builder());
        assertThat(server.scrape().count("parley_presence_total")).isZero();
        try (TestClient alice = TestClient.hello(server.address(), "alice").seePresence()) {
            alice.send("{\"Join\":{\"group_name\":\"dogs\"}}", "{\"Members\":{\"group_name\":\"dogs\"}}");
            assertThat(alice.readLine()).isEqualTo("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\"]}}");
            try (TestClient bob = TestClient.hello(server.address(), "bob")) {
                bob.send("{\"Join\":{\"group_name\":\"dogs\"}}");
                assertThat(alice.readLine()).isEqualTo("{\"Joined\":{\"group_name\":\"dogs\",\"name\":\"bob\"}}");
                await().atMost(WAIT).untilAsserted(() ->
                        assertThat(server.scrape().count("parley_presence_total")).isEqualTo(1));
            }
            assertThat(alice.readLine()).isEqualTo("{\"Left\":{\"group_name\":\"dogs\",\"name\":\"bob\"}}");
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(server.scrape().count("parley_presence_total")).isEqualTo(2));
        }
    }
}
