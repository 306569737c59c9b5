package parley.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.ServerConfig;
import parley.testing.TestClient;
import parley.testing.Scrape;
import parley.testing.TestServer;

/**
 * Each limit tripped for real over loopback sockets: the client gets a clear Error (or, for a
 * client that reads nothing, the close), and {@code /metrics} counts it.
 */
@DisplayName("limits")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String LIST = "{\"List\":{}}";
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static String join(String group) {
        return "{\"Join\":{\"group_name\":\"" + group + "\"}}";
    }

    private static String post(String group, String message) {
        return "{\"Post\":{\"group_name\":\"" + group + "\",\"message\":\"" + message + "\"}}";
    }

    private static String message(String group, String message) {
        return "{\"Message\":{\"group_name\":\"" + group + "\",\"message\":\"" + message + "\"}}";
    }

    /** A round trip, so the server has certainly registered and served this client. */
    private static void roundTrip(TestClient c) throws Exception {
        c.send(LIST);
        assertThat(c.readLine()).startsWith("{\"Groups\":");
    }

    @Test
    @DisplayName("max connections: one more gets an Error and is closed; a freed slot is usable again")
    void maxConnections() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxConnections(2));
        TestClient a = server.connect(); // closed in the middle, to free a slot
        try (TestClient b = server.connect()) {
            roundTrip(a);
            roundTrip(b);
            try (TestClient c = server.connect()) {
                assertThat(c.readLine()).isEqualTo("{\"Error\":\"server full: at most 2 connections; closing the connection\"}");
                assertThat(c.closedByServer()).isTrue();
            }
            Scrape s = server.scrape();
            assertThat(s.count("parley_connections")).isEqualTo(2);
            assertThat(s.count("parley_connections_closed_total{reason=\"max_connections\"}")).isEqualTo(1);
            assertThat(s.count("parley_errors_total{kind=\"max_connections\"}")).isEqualTo(1);
            assertThat(s.count("parley_connections_opened_total")).isEqualTo(3);

            a.close();
            await().atMost(WAIT).until(() -> server.scrape().count("parley_connections") == 1);
            try (TestClient d = server.connect()) {
                roundTrip(d);
            }
        } finally {
            a.close();
        }
    }

    @Test
    @DisplayName("max line: an Error, then the connection is closed")
    void maxLine() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxLineBytes(64));
        try (TestClient a = server.connect()) {
            a.send(post("dogs", "x".repeat(100)));
            assertThat(a.readLine()).isEqualTo("{\"Error\":\"line too long: the limit is 64 bytes; closing the connection\"}");
            assertThat(a.closedByServer()).isTrue();
        }
        await().atMost(WAIT).untilAsserted(() -> {
            Scrape s = server.scrape();
            assertThat(s.count("parley_connections_closed_total{reason=\"max_line\"}")).isEqualTo(1);
            assertThat(s.count("parley_errors_total{kind=\"max_line\"}")).isEqualTo(1);
        });
    }

    @Test
    @DisplayName("max message size: the post gets an Error and is not delivered; the connection stays")
    void maxMessage() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMessageBytes(16));
        try (TestClient a = server.connect()) {
            a.send(join("dogs"));
            a.send(post("dogs", "x".repeat(17)));
            a.send(post("dogs", "é".repeat(9))); // 9 characters, 18 bytes of UTF-8
            a.send(post("dogs", "x".repeat(16)));
            assertThat(a.readLines(3)).containsExactly(
                    "{\"Error\":\"message too long: 17 bytes, the limit is 16 bytes; it was not delivered to 'dogs'\"}",
                    "{\"Error\":\"message too long: 18 bytes, the limit is 16 bytes; it was not delivered to 'dogs'\"}",
                    message("dogs", "x".repeat(16)));
            // A delivery is counted once its write returns, which may be just after the client read it.
            await().atMost(WAIT).until(() -> server.scrape().count("parley_deliveries_total") == 1);
            Scrape s = server.scrape();
            assertThat(s.count("parley_errors_total{kind=\"max_message\"}")).isEqualTo(2);
            assertThat(s.count("parley_posts_total")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("post rate: posts over the bucket get an Error and are not delivered; the connection stays and recovers")
    void postRate() throws Exception {
        server = TestServer.start(ServerConfig.builder().postRate(1).postBurst(3));
        try (TestClient a = server.connect(); TestClient watcher = server.connect()) {
            watcher.send(join("dogs")).send(LIST);
            watcher.readLine();
            a.send(join("dogs"));
            for (int i = 1; i <= 5; i++) a.send(post("dogs", "p" + i));
            String tooFast = "posting too fast: at most 1 post a second (bursts of 3); this post was not delivered to 'dogs'";
            assertThat(a.readLines(5)).containsExactly(message("dogs", "p1"), message("dogs", "p2"), message("dogs", "p3"),
                    "{\"Error\":\"" + tooFast + "\"}", "{\"Error\":\"" + tooFast + "\"}");
            assertThat(watcher.readLines(3)).containsExactly(message("dogs", "p1"), message("dogs", "p2"), message("dogs", "p3"));

            Thread.sleep(1200); // a token comes back every second
            a.send(post("dogs", "p6"));
            assertThat(a.readLine()).isEqualTo(message("dogs", "p6"));
            assertThat(watcher.readLine()).isEqualTo(message("dogs", "p6"));

            Scrape s = server.scrape();
            assertThat(s.count("parley_errors_total{kind=\"post_rate\"}")).isEqualTo(2);
            assertThat(s.count("parley_posts_total")).isEqualTo(4);
            assertThat(s.count("parley_connections")).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("group name length and groups per connection: an Error each, and the connection stays")
    void groupLimits() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxGroupNameChars(5).maxGroupsPerConnection(2));
        try (TestClient a = server.connect()) {
            a.send(join("sixsix")).send(join("one")).send(join("two")).send(join("three")).send(LIST);
            assertThat(a.readLines(3)).containsExactly(
                    "{\"Error\":\"group name longer than 5 characters\"}",
                    "{\"Error\":\"Cannot join 'three': a connection may belong to at most 2 groups\"}",
                    "{\"Groups\":[{\"name\":\"one\",\"members\":1},{\"name\":\"two\",\"members\":1}]}");
            Scrape s = server.scrape();
            assertThat(s.count("parley_errors_total{kind=\"max_group_name\"}")).isEqualTo(1);
            assertThat(s.count("parley_errors_total{kind=\"max_groups_per_connection\"}")).isEqualTo(1);
            assertThat(s.count("parley_members")).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("write deadline: a client whose socket takes nothing is closed; the others get everything")
    void writeDeadline() throws Exception {
        server = TestServer.start(ServerConfig.builder().writeDeadline(Duration.ofMillis(500))
                .maxLineBytes(2 << 20).maxMessageBytes(1 << 20));
        String big = "y".repeat(1 << 20);
        int posts = 16; // 16 MiB: more than the stuck client's socket buffers hold
        try (TestClient stuck = TestClient.connect(server.address(), 4096);
             TestClient watcher = server.connect();
             TestClient poster = server.connect()) {
            stuck.send(join("g"));
            roundTrip(stuck);
            watcher.send(join("g"));
            roundTrip(watcher);
            CompletableFuture<Integer> watched = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                try {
                    for (int i = 0; i < posts; i++) if (watcher.readLine().contains(big)) n++;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                return n;
            });
            for (int i = 0; i < posts; i++) poster.send(post("g", big));

            await().atMost(WAIT).until(() ->
                    server.scrape().count("parley_connections_closed_total{reason=\"write_deadline\"}") == 1);
            assertThat(watched.get(30, TimeUnit.SECONDS)).isEqualTo(posts);
            // What reached the stuck client's buffers before the close is all it gets; then the end.
            stuck.readTimeout(Duration.ofSeconds(10));
            List<String> got = stuck.readToEnd();
            assertThat(got.size()).isLessThan(posts + 1);
            Scrape s = server.scrape();
            assertThat(s.count("parley_connections")).isEqualTo(2);
            assertThat(s.count("parley_members")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("write deadline: a client that reads slowly but steadily is not taken for a stuck one")
    void writeDeadlineSparesASlowReader() throws Exception {
        server = TestServer.start(ServerConfig.builder().writeDeadline(Duration.ofMillis(500))
                .maxLineBytes(1 << 20).maxMessageBytes(1 << 19));
        String big = "s".repeat(64 << 10);
        try (java.net.Socket slow = new java.net.Socket(); TestClient poster = server.connect()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(server.address(), 10_000);
            slow.getOutputStream().write((join("g") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            await().atMost(WAIT).until(() -> server.scrape().count("parley_members") == 1);
            for (int i = 0; i < 100; i++) poster.send(post("g", big)); // 6.4 MiB: far more than the buffers hold
            roundTrip(poster);
            // About 40 KiB/s for 4 s: each blocked write waits far longer than the deadline for
            // the kernel to wake it, yet the client takes something every few milliseconds.
            slow.setSoTimeout(10_000);
            java.io.InputStream in = slow.getInputStream();
            byte[] chunk = new byte[2048];
            long got = 0;
            for (int i = 0; i < 80; i++) {
                int n = in.read(chunk);
                assertThat(n).as("the server closed a client that kept reading").isPositive();
                got += n;
                Thread.sleep(50);
            }
            assertThat(got).isGreaterThan(80 * 1024);
            Scrape s = server.scrape();
            assertThat(s.count("parley_connections_closed_total{reason=\"write_deadline\"}")).isZero();
            assertThat(s.count("parley_connections")).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("lagging alone never disconnects: a member that stops reading for a while is told what it missed and carries on")
    void laggingIsNotFatal() throws Exception {
        int capacity = 4;
        int posts = 40;
        server = TestServer.start(ServerConfig.builder().groupCapacity(capacity).maxLineBytes(1 << 20)
                .maxMessageBytes(1 << 20));
        String body = "z".repeat(256 << 10);
        try (TestClient slow = TestClient.connect(server.address(), 4096); TestClient poster = server.connect()) {
            slow.send(join("g"));
            roundTrip(slow);
            for (int i = 0; i < posts; i++) poster.send(post("g", i + "-" + body));
            poster.send(LIST);
            poster.readLine();
            // While it is not reading, the server holds its backlog in the ring, up to the capacity.
            await().atMost(WAIT).until(() -> server.scrape().count("parley_write_backlog_messages") > 0);
            Thread.sleep(1000);

            List<Integer> seen = new ArrayList<>();
            long dropped = 0;
            Pattern notice = Pattern.compile("\\{\"Error\":\"Dropped (\\d+) messages from g\\.\"}");
            while (seen.isEmpty() || seen.getLast() != posts - 1) {
                String line = slow.readLine();
                Matcher m = notice.matcher(line);
                if (m.matches()) {
                    dropped += Long.parseLong(m.group(1));
                } else {
                    assertThat(line).startsWith("{\"Message\":{\"group_name\":\"g\",\"message\":\"");
                    String msg = line.substring("{\"Message\":{\"group_name\":\"g\",\"message\":\"".length());
                    seen.add(Integer.parseInt(msg.substring(0, msg.indexOf('-'))));
                }
            }
            assertThat(dropped).isPositive();
            assertThat(seen.size() + dropped).isEqualTo(posts);
            assertThat(seen).isSorted();
            roundTrip(slow); // still connected

            Scrape s = server.scrape();
            assertThat(s.count("parley_lag_notices_total")).isPositive();
            assertThat(s.count("parley_messages_dropped_total")).isEqualTo(dropped);
            assertThat(s.count("parley_connections_closed_total{reason=\"write_deadline\"}")).isZero();
            assertThat(s.count("parley_connections")).isEqualTo(2);
        }
    }
}
