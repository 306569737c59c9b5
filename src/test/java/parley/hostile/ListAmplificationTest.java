package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.FromServer;
import parley.server.ServerConfig;
import parley.testing.Scrape;
import parley.testing.TestClient;
import parley.testing.TestServer;

/**
 * Attack 4 of issue 18: many groups with long names, and clients that send List and never read.
 * Before paging one List answer was the whole table (about 1.5 MiB here, over the 1 MiB reply
 * backlog limit), so each such client pinned more than the limit. Now every answer is a page
 * (at most 100 groups and 256 KiB by default), the backlog stays under its bound, and a member
 * keeps chatting.
 */
@DisplayName("hostile: List amplification")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ListAmplificationTest {
    private static final int OWNERS = 2;
    private static final int GROUPS_EACH = 1000;
    private static final int ATTACKERS = 20;
    private static final int LISTS_EACH = 30;
    /** A page's byte bound (parley.server.Lookups.MAX_PAGE_BYTES) plus its line's framing. */
    private static final long PAGE_BYTES = 256 * 1024 + 64;

    private TestServer server;
    private final List<TestClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        if (server != null) server.close();
    }

    /** 256 characters, 768+ bytes of UTF-8: the longest group name the default allows. */
    private static String name(int owner, int i) {
        return "日".repeat(250) + String.format("%d-%04d", owner, i);
    }

    @Test
    @DisplayName("every List answer is a bounded page, the backlog stays bounded, a member keeps chatting")
    void listIsPaged() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxMemoryBytes(256L << 20));
        for (int o = 0; o < OWNERS; o++) {
            TestClient owner = track(server.connect());
            StringBuilder joins = new StringBuilder();
            for (int i = 0; i < GROUPS_EACH; i++) {
                joins.append("{\"Join\":{\"group_name\":\"").append(name(o, i)).append("\"}}\n");
            }
            owner.sendRaw(joins.toString());
            owner.sync();
        }
        assertThat(server.chat.groups().size()).isEqualTo(OWNERS * GROUPS_EACH);
        TestClient carol = track(TestClient.hello(server.address(), "carol"));
        carol.send("{\"Join\":{\"group_name\":\"talk\"}}").send("{\"Members\":{\"group_name\":\"talk\"}}");
        carol.expectLine("{\"Members\":{\"group_name\":\"talk\",\"names\":[\"carol\"]}}");

        // The offenders: small receive windows, List after List, never a read.
        for (int a = 0; a < ATTACKERS; a++) {
            TestClient attacker = track(TestClient.connect(server.address(), 4096));
            attacker.sendRaw(("{\"List\":{}}\n" + "{\"List\":{\"limit\":1000}}\n").repeat(LISTS_EACH / 2));
        }
        long limit = ATTACKERS * (ServerConfig.DEFAULT_MAX_REPLY_BACKLOG_BYTES + PAGE_BYTES);
        AtomicLong peak = new AtomicLong();
        for (int round = 0; round < 10; round++) {
            // A healthy member's round trip, /health, and the backlog, while the offenders sit.
            carol.send("{\"Post\":{\"group_name\":\"talk\",\"message\":\"still here " + round + "\"}}");
            assertThat(parley.testing.TestClient.withoutTs(carol.readLine(Duration.ofSeconds(5))))
                    .isEqualTo("{\"Message\":{\"group_name\":\"talk\",\"message\":\"still here " + round
                            + "\",\"from\":\"carol\",\"seq\":" + (round + 1) + "}}");
            assertThat(Scrape.get(server.http.port(), "/health").statusCode()).isEqualTo(200);
            Scrape s = server.scrape();
            peak.accumulateAndGet(s.count("parley_write_backlog_bytes"), Math::max);
            assertThat(s.count("parley_budget_used_bytes{budget=\"replies\"}"))
                    .isLessThanOrEqualTo(s.count("parley_budget_limit_bytes{budget=\"replies\"}"));
            Thread.sleep(100);
        }
        System.out.printf("ListAmplificationTest: peak write backlog %d bytes with %d non-reading List clients%n",
                peak.get(), ATTACKERS);
        assertThat(peak.get()).as("write backlog of %d non-reading List clients", ATTACKERS).isLessThanOrEqualTo(limit);

        // A reader walks the pages: each bounded, in order, every group once, a summary after each.
        TestClient reader = track(TestClient.connect(server.address(), -1, 1 << 20));
        reader.readTimeout(Duration.ofSeconds(20));
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (pages++ < 100) {
            reader.send(after == null ? "{\"List\":{\"limit\":1000}}"
                    : "{\"List\":{\"limit\":1000,\"after\":" + TestClient.json(after) + "}}");
            String line = reader.readLine();
            assertThat((long) line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(PAGE_BYTES);
            FromServer.Groups page = (FromServer.Groups) TestClient.decode(line);
            page.groups().forEach(g -> seen.add(g.name()));
            // The summary (read as text, so that this test also runs against a server from before paging).
            String listed = reader.readLine();
            assertThat(listed).startsWith("{\"Listed\":{\"count\":" + page.groups().size() + ",\"more\":");
            if (listed.endsWith("\"more\":false}}")) break;
            after = page.groups().getLast().name();
        }
        assertThat(seen).hasSize(OWNERS * GROUPS_EACH + 1).isSorted().doesNotHaveDuplicates();

        // The offenders leave: everything they held is released.
        for (int a = 0; a < ATTACKERS; a++) clients.get(OWNERS + 1 + a).close();
        await("backlog released").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> server.scrape().count("parley_write_backlog_bytes") == 0);
        Scrape after2 = server.scrape();
        assertThat(after2.count("parley_budget_used_bytes{budget=\"replies\"}")).isZero();
        carol.send("{\"Post\":{\"group_name\":\"talk\",\"message\":\"after\"}}");
        assertThat(parley.testing.TestClient.withoutTs(carol.readLine(Duration.ofSeconds(5)))).contains("\"message\":\"after\"");

        // Groups that go leave the name index too: the first owner's groups are no longer listed.
        clients.get(0).close();
        await("groups removed").atMost(Duration.ofSeconds(30)).until(() -> server.chat.groups().size() == GROUPS_EACH + 1);
        reader.send("{\"List\":{\"limit\":1000}}");
        FromServer.Groups page = (FromServer.Groups) TestClient.decode(reader.readLine());
        // The byte bound ends the page before the limit: 256 KiB of 768-byte names.
        assertThat(page.groups()).hasSizeBetween(100, 999).noneMatch(g -> g.name().startsWith(name(0, 0).substring(0, 251)));
        assertThat(page.groups().getFirst().name()).isEqualTo("talk");
        assertThat(page.groups().get(1).name()).isEqualTo(name(1, 0));
        assertThat(reader.readLine()).isEqualTo("{\"Listed\":{\"count\":" + page.groups().size() + ",\"more\":true}}");
    }

    private TestClient track(TestClient c) {
        clients.add(c);
        return c;
    }
}
