package parley.bench;

import java.io.PrintStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.cli.Main;

class CommandTest {

    @Test
    void scenariosHaveTheirDefaults() throws BenchException {
        BenchConfig f = BenchCommand.parse();
        assertThat(f.scenario()).isEqualTo(Scenario.FANOUT);
        assertThat(f.target()).isEqualTo(new InetSocketAddress("127.0.0.1", 7878));
        assertThat(List.of(f.groups(), f.subsPerGroup(), f.publishers())).containsExactly(1, 100, 1);
        assertThat(f.rate()).isEqualTo(1000);
        assertThat(f.size()).isEqualTo(64);
        assertThat(f.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(f.warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.maxTime()).isEqualTo(f.defaultMaxTime());

        BenchConfig g = BenchCommand.parse("--scenario", "groups");
        assertThat(List.of(g.groups(), g.subsPerGroup(), g.publishers())).containsExactly(100, 10, 4);
        assertThat(g.totalConnections()).isEqualTo(1004);

        BenchConfig i = BenchCommand.parse("--scenario", "IDLE", "9000");
        assertThat(i.connections()).isEqualTo(5000);
        assertThat(i.groups()).isEqualTo(100);
        assertThat(i.hold()).isEqualTo(Duration.ofSeconds(15));
        assertThat(i.target().getPort()).isEqualTo(9000);
    }

    @Test
    void optionsOverrideDefaults() throws BenchException {
        BenchConfig c = BenchCommand.parse("localhost:1234", "--groups", "3", "--subs", "7", "--pubs", "2",
                "--rate", "250.5", "--size", "128", "--duration", "1500ms", "--warmup", "0", "--io-threads", "2",
                "--max-time", "2m", "--source-addrs", "3");
        assertThat(c.target().getAddress().isLoopbackAddress()).isTrue();
        assertThat(List.of(c.groups(), c.subsPerGroup(), c.publishers(), c.size(), c.ioThreads(), c.sourceAddrs()))
                .containsExactly(3, 7, 2, 128, 2, 3);
        assertThat(c.rate()).isEqualTo(250.5);
        assertThat(c.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.warmup()).isZero();
        assertThat(c.maxTime()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> BenchCommand.parse("192.0.2.1:7878")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> BenchCommand.parse("--scenario", "idle", "--subs", "3"))
                .hasMessageContaining("--subs does not apply to the idle scenario");
        assertThatThrownBy(() -> BenchCommand.parse("--scenario", "idle", "--publish-to", "7979"))
                .hasMessageContaining("--publish-to does not apply to the idle scenario");
        assertThatThrownBy(() -> BenchCommand.parse("--conns", "3", "--hold", "1"))
                .hasMessageContaining("--conns, --hold do not apply");
        assertThatThrownBy(() -> BenchCommand.parse("--size", "8")).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> BenchCommand.parse("--rate", "0")).hasMessageContaining("--rate");
        assertThatThrownBy(() -> BenchCommand.parse("--duration", "0")).hasMessageContaining("--duration");
        assertThatThrownBy(() -> BenchCommand.parse("--duration", "soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> BenchCommand.parse("--scenario", "storm")).hasMessageContaining("not a scenario");
    }

    @Test
    void helpListsEveryOption() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = Main.commandLine().setOut(new java.io.PrintWriter(buf, true, StandardCharsets.UTF_8))
                .execute("bench", "--help");
        assertThat(rc).isZero();
        String help = buf.toString(StandardCharsets.UTF_8);
        for (String option : List.of("ADDRESS", "--scenario", "--groups", "--subs", "--pubs", "--rate", "--size",
                "--duration", "--warmup", "--conns", "--hold", "--json", "--io-threads", "--server-pid",
                "--transport", "--tls-ca", "--http", "--plot")) {
            assertThat(help).contains(option);
        }
        // How to run a server the tls transport can reach, and where ws goes.
        assertThat(help).contains("tcp, tls or ws").contains("--tls-cert cert.pem --tls-key key.pem")
                .contains("--transport tls --tls-ca cert.pem").contains("chat port + 1");
    }

    @Test
    void transportsAndTheirOptions() throws BenchException {
        assertThat(BenchCommand.parse().transport()).isEqualTo(Transport.Kind.TCP);
        assertThat(BenchCommand.parse("--transport", "TLS").transport()).isEqualTo(Transport.Kind.TLS);
        BenchConfig ws = BenchCommand.parse("127.0.0.1:9000", "--transport", "ws");
        assertThat(ws.transport()).isEqualTo(Transport.Kind.WS);
        assertThat(ws.httpFor(ws.target())).isEqualTo(new InetSocketAddress("127.0.0.1", 9001));
        BenchConfig given = BenchCommand.parse("127.0.0.1:9000", "--transport", "ws", "--http", "9500");
        assertThat(given.httpFor(given.target())).isEqualTo(new InetSocketAddress("127.0.0.1", 9500));
        assertThat(BenchCommand.parse("--plot", "out.svg").plot()).hasToString("out.svg");

        assertThatThrownBy(() -> BenchCommand.parse("--transport", "quic"))
                .hasMessageContaining("'quic' is not a transport: tcp, tls or ws");
        assertThatThrownBy(() -> BenchCommand.parse("--tls-ca", "pom.xml"))
                .hasMessageContaining("--tls-ca applies to --transport tls only");
        assertThatThrownBy(() -> BenchCommand.parse("--http", "7879"))
                .hasMessageContaining("--http applies to --transport ws only");
        assertThatThrownBy(() -> BenchCommand.parse("--transport", "tls", "--tls-ca", "no-such-file.pem"))
                .hasMessageContaining("cannot read");
        assertThatThrownBy(() -> BenchCommand.parse("--transport", "ws", "--http", "192.0.2.1:80"))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> BenchCommand.parse("--scenario", "idle", "--plot", "x.svg"))
                .hasMessageContaining("--plot does not apply to the idle scenario");
    }

    @Test
    void onlyLoopbackTargets() throws BenchException {
        assertThat(Connector.loopbackTarget("127.0.0.5:80").getPort()).isEqualTo(80);
        assertThat(Connector.loopbackTarget("[::1]:80").getAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> Connector.loopbackTarget("10.1.2.3:80")).hasMessageContaining("refusing");
        assertThatThrownBy(() -> Connector.loopbackTarget("127.0.0.1:0")).hasMessageContaining("port 0");
    }

    @Test
    void sourceAddressesOnlyWhenNeeded() throws BenchException, IOException {
        InetSocketAddress v4 = new InetSocketAddress("127.0.0.1", 7878);
        assertThat(Connector.sourcesFor(v4, 5000, 0)).isEmpty();
        List<InetAddress> many = Connector.sourcesFor(v4, 100_000, 0);
        assertThat(many.size()).isGreaterThanOrEqualTo((int) Math.ceil(100_000.0 / Connector.portsPerSource()));
        assertThat(many.getFirst()).isEqualTo(InetAddress.getByName("127.0.0.2"));
        assertThat(Connector.sourcesFor(v4, 10, 3)).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.4");
        assertThat(Connector.sourcesFor(v4, 10, 1)).isEmpty();
        assertThat(Connector.sourcesFor(new InetSocketAddress("::1", 7878), 100_000, 0)).isEmpty();
    }

    @Test
    void fdLimitsAreReadAndExplained() throws BenchException {
        FdLimit.Limits l = FdLimit.parse(List.of("Limit                     Soft Limit           Hard Limit           Units",
                "Max open files            1024                 524288               files"));
        assertThat(l).isEqualTo(new FdLimit.Limits(1024, 524288));
        assertThat(FdLimit.parse(List.of("Max open files            unlimited            unlimited            files")))
                .isEqualTo(new FdLimit.Limits(FdLimit.UNLIMITED, FdLimit.UNLIMITED));
        String why = FdLimit.tooLow(100_000, 100_064, new FdLimit.Limits(1024, 20000));
        assertThat(why).contains("hard limit is 20000").contains("ulimit -n").contains("prlimit --pid SERVERPID");
        // This JVM raised its soft limit to the hard one at start-up (-XX:+MaxFDLimit), so a few
        // connections are always fine, and far too many name the hard limit.
        FdLimit.Limits now = FdLimit.ensure(10);
        assertThat(now).isNotNull();
        assertThat(now.soft()).isEqualTo(now.hard());
        if (now.hard() < Long.MAX_VALUE - 100) {
            assertThatThrownBy(() -> FdLimit.ensure(now.hard())).hasMessageContaining("hard limit is " + now.hard());
        }
    }
}
