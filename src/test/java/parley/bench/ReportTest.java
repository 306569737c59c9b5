package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void percentilesComeFromTheHistogram() {
        LatencyRecorder r = new LatencyRecorder();
        for (int us = 1; us <= 1000; us++) r.record(us * 1000L); // 1 us .. 1 ms, uniform
        LatencySummary s = LatencySummary.of(r);
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.p50Us()).isCloseTo(500, within(1.0));
        assertThat(s.p90Us()).isCloseTo(900, within(1.0));
        assertThat(s.p99Us()).isCloseTo(990, within(1.0));
        assertThat(s.p999Us()).isCloseTo(999, within(1.0));
        assertThat(s.maxUs()).isCloseTo(1000, within(1.0));
        assertThat(s.meanUs()).isCloseTo(500.5, within(1.0));
        assertThat(s.distribution()).hasSize(LatencySummary.PERCENTILES.length);
        assertThat(s.distribution().getFirst().valueUs()).isCloseTo(1, within(0.01));
        assertThat(s.distribution().getLast().countAtOrBelow()).isEqualTo(1000);
        assertThat(s.distribution()).extracting(LatencySummary.Row::countAtOrBelow).isSorted();
        assertThat(s.table("")).contains("99.9%").contains("1000");
    }

    @Test
    void recordersMergeAndClamp() {
        LatencyRecorder a = new LatencyRecorder();
        LatencyRecorder b = new LatencyRecorder();
        a.record(-5);
        b.record(LatencyRecorder.HIGHEST * 2);
        a.add(b);
        assertThat(a.count()).isEqualTo(2);
        assertThat(a.clamped()).isEqualTo(1);
        assertThat(LatencySummary.of(a).maxUs()).isCloseTo(60_000_000, within(60_000.0));
        assertThat(LatencySummary.of(new LatencyRecorder()).count()).isZero();
    }

    @Test
    void jsonWriterNestsAndEscapes() throws IOException {
        JsonWriter j = new JsonWriter().beginObject().field("a", 1).field("b", "x\"y\n\u0001").field("c", 1.5)
                .field("d", 2.0).field("e", true).name("f").beginArray().value(1).value("two")
                .beginObject().field("g", Double.NaN).endObject().endArray().endObject();
        assertThat(j.toString()).isEqualTo("{\"a\":1,\"b\":\"x\\\"y\\n\\u0001\",\"c\":1.5,\"d\":2,\"e\":true,"
                + "\"f\":[1,\"two\",{\"g\":null}]}");
        assertThat(Json.object(j.toString())).containsEntry("b", "x\"y\n\u0001");
    }

    static BenchConfig config(Scenario s) {
        return new BenchConfig(s, new InetSocketAddress("127.0.0.1", 7878), 2, 10, 1, 100, 64, Duration.ofSeconds(1),
                Duration.ofSeconds(10), 500, Duration.ofSeconds(2), 1, 0, 0, Duration.ofSeconds(5), Duration.ofMinutes(1));
    }

    private static LoadReport load(long sent, long expected, long received, long lagNotices, long dropped) {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 100; i++) r.record(50_000);
        return new LoadReport(config(Scenario.GROUPS), 0, 20, 20, 0, null, sent, 100, expected, received, lagNotices,
                dropped, 0, 0, 0, 0, null, 0, null, 0, null, List.of(), 0, LatencySummary.of(r),
                LatencySummary.of(new LatencyRecorder()), CpuUse.NONE, r);
    }

    @Test
    void aCleanLoadReportHasEveryCount() throws IOException {
        LoadReport r = load(1000, 10_000, 10_000, 0, 0);
        assertThat(r.problems()).isEmpty();
        assertThat(r.lost()).isZero();
        assertThat(r.postsPerSecond()).isEqualTo(100);
        assertThat(r.deliveriesPerSecond()).isEqualTo(1000);
        assertThat(r.text()).contains("expected 10000, received 10000, lost 0").contains("result: clean")
                .contains("p99.9").contains("latency distribution");
        Map<String, Object> j = Json.object(r.json());
        assertThat(Json.number(j, "posts_sent")).isEqualTo(1000);
        assertThat(Json.number(j, "deliveries_expected")).isEqualTo(10_000);
        assertThat(Json.number(j, "deliveries_received")).isEqualTo(10_000);
        assertThat(Json.number(j, "lost")).isZero();
        assertThat(j).containsEntry("clean", true).containsEntry("scenario", "groups");
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) j.get("latency");
        assertThat(latency).containsKeys("p50_us", "p90_us", "p99_us", "p99_9_us", "max_us", "distribution");
        assertThat(Json.number(latency, "count")).isEqualTo(100);
        assertThat(r.summary()).contains("clean");
    }

    @Test
    void lossAndLagAreProblems() throws IOException {
        LoadReport r = load(1000, 10_000, 9_000, 3, 1000);
        assertThat(r.lost()).isEqualTo(1000);
        assertThat(r.problems()).anyMatch(p -> p.startsWith("1000 deliveries lost (3 lag notices reported 1000"));
        assertThat(Fmt.seconds(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Fmt.seconds(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(r.text()).contains("lag notices        3 (1000 messages dropped)").contains("PROBLEMS");
        Map<String, Object> j = Json.object(r.json());
        assertThat(j).containsEntry("clean", false);
        assertThat(Json.number(j, "lag_notices")).isEqualTo(3);
        assertThat(Json.number(j, "dropped_total")).isEqualTo(1000);
        assertThat(load(500, 5000, 5000, 0, 0).problems()).anyMatch(p -> p.startsWith("publishers fell behind"));
    }

    @Test
    void idleReportComputesRssPerConnection() throws IOException {
        IdleReport r = new IdleReport(config(Scenario.IDLE), 0, new FdLimit.Limits(1024, 4096), null, 500, 0, null, 0.5,
                500, 500, 0, 0, null, 0, null, 0, null, 100_000, 101_000, 101_500, false);
        assertThat(r.rssPerConnectionBytes()).isEqualTo(Math.round(1000 * 1024.0 / 500));
        assertThat(r.problems()).isEmpty();
        Map<String, Object> j = Json.object(r.json());
        assertThat(Json.number(j, "connected")).isEqualTo(500);
        assertThat(Json.number(j, "verified")).isEqualTo(500);
        IdleReport bad = new IdleReport(config(Scenario.IDLE), 0, null, null, 450, 50, "refused", 0.5, 440, 430, 10, 0,
                null, 0, null, 7, "cluster bus unavailable", -1, -1, -1, false);
        assertThat(bad.problems()).hasSize(3);
        assertThat(bad.rssPerConnectionBytes()).isEqualTo(-1);
        assertThat(Json.object(bad.json()).get("helper_last_error")).isEqualTo("cluster bus unavailable");
        assertThat(bad.text()).contains("7 error replies to the verification posts (last: cluster bus unavailable)");
    }

    @Test
    void idleReportShowsTheServersOpenFilesLimit() throws IOException {
        BenchConfig c = config(Scenario.IDLE);
        var raised = new FdLimit.ServerLimits(4242, new FdLimit.Limits(1024, 4096), new FdLimit.Limits(2064, 4096),
                1064, 2064);
        IdleReport ok = new IdleReport(c, 0, null, raised, 500, 0, null, 0.5, 500, 500, 0, 0, null, 0, null, 0,
                null, 100_000, 101_000, 101_500, false);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.text()).contains("server open files  soft 2,064, hard 4,096 (raised from 1,024)");
        Map<String, Object> j = Json.object(ok.json());
        assertThat(Json.number(j, "server_fd_soft_limit")).isEqualTo(2064);
        assertThat(Json.number(j, "server_fd_hard_limit")).isEqualTo(4096);
        assertThat(Json.number(j, "server_fd_soft_limit_before")).isEqualTo(1024);

        var tooLow = new FdLimit.ServerLimits(4242, new FdLimit.Limits(256, 512), new FdLimit.Limits(512, 512),
                1064, 2064);
        IdleReport low = new IdleReport(c, 0, null, tooLow, 500, 0, null, 0.5, 500, 500, 0, 0, null, 0, null, 0,
                null, 100_000, 101_000, 101_500, false);
        assertThat(low.problems()).singleElement().asString()
                .contains("open-files limit (512) is below the 1064").contains("prlimit --pid 4242 --nofile=2064:2064");
        assertThat(low.clean()).isFalse();
    }
}
