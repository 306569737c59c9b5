package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.http.HttpFrontend;
import parley.net.ChatServer;
import parley.server.ServerConfig;
import parley.testing.TestCerts;
import parley.tls.Tls;
import parley.web.OriginPolicy;
import parley.web.WsRoutes;
import picocli.CommandLine;

/**
 * The bench over each transport against a real server on loopback: a plain one for tcp, and one
 * whose chat port speaks TLS (a self-signed certificate made here) and whose HTTP side serves the
 * WebSocket gateway. Short runs of a few hundred posts; the same counts and sequence checks hold
 * over every transport.
 */
@Timeout(120)
class BenchTransportTest {
    @TempDir
    static Path dir;
    private static TestCerts certs;
    private static ChatServer plain;
    private static ChatServer secure;
    private static HttpFrontend http;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCerts.make(dir, "bench", "EC");
        plain = ChatServer.start(ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)));
        secure = ChatServer.start(ServerConfig.builder().address(new InetSocketAddress("127.0.0.1", 0)).build(),
                Tls.serverFromPem(certs.certPem, certs.keyPem), null);
        http = HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), secure,
                List.of(new WsRoutes(secure.chat(), OriginPolicy.sameOriginOnly())));
    }

    @AfterAll
    static void stop() {
        if (http != null) http.close();
        if (secure != null) secure.close();
        if (plain != null) plain.close();
    }

    private static String secureAddress() {
        return "127.0.0.1:" + secure.address().getPort();
    }

    private static String httpAddress() {
        return "127.0.0.1:" + http.port();
    }

    private static Report run(String... args) throws Exception {
        BenchConfig c = BenchCommand.parse(args);
        Run run = c.scenario() == Scenario.IDLE ? new IdleRun(c, Status.quiet(System.err))
                : new LoadRun(c, Status.quiet(System.err));
        return run.run();
    }

    /** 20 subscribers, 200 posts/s for 1.5 s (300 measured posts) after 300 ms of warm-up. */
    private static LoadReport fanout(String... transportArgs) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--subs", "20", "--rate", "200", "--warmup", "300ms",
                "--duration", "1500ms", "--server-pid", Long.toString(ProcessHandle.current().pid())));
        args.addAll(0, List.of(transportArgs));
        return (LoadReport) run(args.toArray(String[]::new));
    }

    private static void assertClean(LoadReport r, Transport.Kind transport) throws Exception {
        assertThat(r.config().transport()).isEqualTo(transport);
        assertThat(r.problems()).isEmpty();
        assertThat(r.subscribersConnected()).isEqualTo(20);
        assertThat(r.subscribersReady()).isEqualTo(20);
        assertThat(r.postsSent()).isBetween(270L, 301L);
        assertThat(r.deliveriesReceived()).isEqualTo(r.postsSent() * 20).isEqualTo(r.deliveriesExpected());
        assertThat(List.of(r.lost(), r.lagNotices(), r.seqMissing(), r.seqDuplicated(), r.seqReordered(), r.errors(),
                r.malformed(), r.publisherErrors())).containsOnly(0L);
        assertThat(r.latency().count()).isEqualTo(r.deliveriesReceived());
        assertThat(r.cpu().benchSeconds()).isPositive();
        assertThat(r.benchCpuPerDeliveryUs()).isPositive();
        assertThat(r.serverCpuPerDeliveryUs()).isGreaterThanOrEqualTo(0);
        assertThat(r.text()).contains("fanout over " + transport.label()).contains("bench CPU").contains("server CPU");
        Map<String, Object> j = Json.object(r.json());
        assertThat(j).containsEntry("transport", transport.label()).containsEntry("clean", true);
        assertThat(Json.number(j, "deliveries_received")).isEqualTo(r.postsSent() * 20);
        assertThat(j).containsKeys("bench_cpu_s", "bench_cpu_us_per_delivery", "server_cpu_us_per_delivery");
    }

    @Test
    void tcpFromTheCommandWithJsonAndPlot() throws Exception {
        Path svg = dir.resolve("tcp.svg");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new CommandLine(new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false))
                .execute("127.0.0.1:" + plain.address().getPort(), "--transport", "tcp", "--subs", "20", "--rate", "200",
                        "--warmup", "300ms", "--duration", "1500ms", "--json", "--plot", svg.toString());
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(stderr).isZero();
        Map<String, Object> j = Json.object(out.toString(StandardCharsets.UTF_8));
        assertThat(j).containsEntry("transport", "tcp").containsEntry("clean", true);
        assertThat(Json.number(j, "seq_missing") + Json.number(j, "seq_reordered") + Json.number(j, "lost")).isZero();
        assertThat(stderr).contains("start: fanout, 1 group x 20 subs").contains("over tcp")
                .contains("latency plot written to " + svg);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getElementsByTagName("path").getLength()).isEqualTo(1);
        assertThat(Files.readString(svg)).contains("tcp, 200 posts/s, p99 ");
    }

    @Test
    void tls() throws Exception {
        assertClean(fanout(secureAddress(), "--transport", "tls", "--tls-ca", certs.certPem.toString()), Transport.Kind.TLS);
    }

    @Test
    void webSocket() throws Exception {
        assertClean(fanout(secureAddress(), "--transport", "ws", "--http", httpAddress()), Transport.Kind.WS);
    }

    @Test
    void idleOverTlsAndWebSocket() throws Exception {
        IdleReport t = (IdleReport) run(secureAddress(), "--scenario", "idle", "--conns", "60", "--groups", "6",
                "--hold", "500ms", "--transport", "tls", "--tls-ca", certs.certPem.toString());
        IdleReport w = (IdleReport) run(secureAddress(), "--scenario", "idle", "--conns", "60", "--groups", "6",
                "--hold", "500ms", "--transport", "ws", "--http", httpAddress());
        for (IdleReport r : List.of(t, w)) {
            assertThat(r.problems()).isEmpty();
            assertThat(List.of(r.connected(), r.verified(), r.openAtEnd())).containsOnly(60);
        }
        assertThat(Json.object(w.json())).containsEntry("transport", "ws").containsEntry("http_target", httpAddress());
        assertThat(t.text()).contains("idle over tls");
    }

    @Test
    void tlsRefusesAnUntrustedCertificate() throws Exception {
        TestCerts other = TestCerts.make(dir, "other", "EC");
        assertThatThrownBy(() -> fanout(secureAddress(), "--transport", "tls", "--tls-ca", other.certPem.toString()))
                .isInstanceOf(BenchException.class).hasMessageContaining("cannot connect");
    }
}
