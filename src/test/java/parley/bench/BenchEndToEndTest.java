package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.cli.Main;
import parley.net.ChatServer;
import parley.server.ServerConfig;
import picocli.CommandLine;

/** Each scenario, run for about two seconds against an in-process server on a free port. */
@Timeout(120)
class BenchEndToEndTest {
    private static ChatServer server;
    private static String address;

    @BeforeAll
    static void startServer() throws IOException {
        server = ChatServer.start(ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)));
        address = "127.0.0.1:" + server.address().getPort();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    private static Report run(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = address;
        System.arraycopy(args, 0, all, 1, args.length);
        BenchConfig c = BenchCommand.parse(all);
        FdLimit.ensure(c.totalConnections());
        Run run = c.scenario() == Scenario.IDLE ? new IdleRun(c, Status.quiet(System.err)) : new LoadRun(c, Status.quiet(System.err));
        return run.run();
    }

    private static void assertNoLoss(LoadReport r, int subscribers, double rate, double seconds, int publishers) {
        assertThat(r.subscribersConnected()).isEqualTo(subscribers);
        assertThat(r.subscribersReady()).isEqualTo(subscribers);
        // Open loop: every post due in the window is sent (allow for a loaded machine at the edges).
        assertThat(r.postsSent()).isBetween((long) (0.9 * rate * seconds), (long) (rate * seconds) + publishers);
        assertThat(r.deliveriesExpected()).isEqualTo(r.postsSent() * r.config().subsPerGroup());
        assertThat(r.deliveriesReceived()).isEqualTo(r.deliveriesExpected());
        assertThat(r.lost()).isZero();
        assertThat(r.lagNotices()).isZero();
        assertThat(r.droppedTotal()).isZero();
        assertThat(r.seqMissing()).isZero();
        assertThat(r.seqDuplicated()).isZero();
        assertThat(r.seqReordered()).isZero();
        assertThat(r.errors()).isZero();
        assertThat(r.malformed()).isZero();
        assertThat(r.publisherErrors()).isZero();
        assertThat(r.disconnects()).isZero();
        assertThat(r.latency().count()).isEqualTo(r.deliveriesReceived());
        assertThat(r.latency().p50Us()).isPositive();
        assertThat(r.latency().maxUs()).isGreaterThanOrEqualTo(r.latency().p99Us());
    }

    @Test
    void fanout() throws Exception {
        LoadReport r = (LoadReport) run("--scenario", "fanout", "--subs", "20", "--rate", "500",
                "--warmup", "500ms", "--duration", "1500ms");
        assertNoLoss(r, 20, 500, 1.5, 1);
        assertThat(r.warmupPostsSent()).isBetween(200L, 251L);
    }

    @Test
    void groups() throws Exception {
        LoadReport r = (LoadReport) run("--scenario", "groups", "--groups", "10", "--subs", "5", "--rate", "1000",
                "--warmup", "500ms", "--duration", "1500ms", "--size", "200");
        assertNoLoss(r, 50, 1000, 1.5, 4);
    }

    @Test
    void idleOverSeveralSourceAddresses() throws Exception {
        IdleReport r = (IdleReport) run("--scenario", "idle", "--conns", "500", "--groups", "10", "--hold", "1s",
                "--source-addrs", "2", "--server-pid", Long.toString(ProcessHandle.current().pid()));
        assertThat(r.sourceAddresses()).isEqualTo(2);
        assertThat(r.connected()).isEqualTo(500);
        assertThat(r.verified()).isEqualTo(500);
        assertThat(r.openAtEnd()).isEqualTo(500);
        assertThat(r.disconnects()).isZero();
        assertThat(r.errors()).isZero();
        assertThat(r.rssBeforeKb()).isPositive();
        assertThat(r.rssAfterKb()).isPositive();
        assertThat(r.problems()).isEmpty();
        assertThat(r.text()).contains("RSS per connection");
    }

    @Test
    void theCommandPrintsOneJsonObject() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BenchCommand cmd = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int rc = new CommandLine(cmd).execute(address, "--subs", "10",
                "--rate", "200", "--warmup", "0", "--duration", "1s", "--json");
        String stdout = out.toString(StandardCharsets.UTF_8);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(stderr).isZero();
        assertThat(stdout.strip().lines()).hasSize(1);
        Map<String, Object> j = Json.object(stdout);
        assertThat(j).containsEntry("scenario", "fanout").containsEntry("clean", true);
        assertThat(Json.number(j, "lost")).isZero();
        assertThat(Json.number(j, "deliveries_received")).isEqualTo(Json.number(j, "posts_sent") * 10);
        // Not a terminal: only the start and end lines on stderr.
        assertThat(stderr.strip().lines()).hasSize(2);
        assertThat(stderr).contains("parley bench: start: fanout").contains("parley bench: done:");
    }

    @Test
    void theWatchdogEndsARunThatOverstaysAndItStillReports() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BenchCommand cmd = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        long t0 = System.nanoTime();
        int rc = new CommandLine(cmd).execute(address, "--subs", "5", "--rate", "100", "--warmup", "0",
                "--duration", "30s", "--max-time", "1s");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(rc).isEqualTo(1);
        assertThat(seconds).isLessThan(10);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("watchdog");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("aborted by the watchdog");
    }

    @Test
    void noServerIsAClearFailure() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BenchCommand cmd = new BenchCommand(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int rc = new CommandLine(cmd).execute("127.0.0.1:1", "--duration", "1s");
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot connect to 127.0.0.1:1");
    }

    @Test
    void noServerWithJsonStillPrintsOneObject() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BenchCommand cmd = new BenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), false);
        int rc = new CommandLine(cmd).execute("127.0.0.1:1", "--duration", "1s", "--json");
        assertThat(rc).isEqualTo(1);
        java.util.Map<String, Object> j = Json.object(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(j).containsEntry("clean", false).containsEntry("scenario", "fanout");
        assertThat((String) j.get("error")).contains("cannot connect to 127.0.0.1:1");
    }

    @Test
    void mainKnowsTheSubcommand() {
        assertThat(Main.commandLine().getSubcommands()).containsKey("bench");
    }
}
