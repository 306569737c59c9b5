package parley.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parley bench [ADDRESS]}: load-tests a chat server over the protocol and reports what it saw. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Load-test a chat server (Parley or any server speaking the protocol) on this machine and report "
                    + "throughput, loss, lag notices and latency.",
            "",
            "Scenarios:",
            "  fanout  1 group x 100 subscribers, 1 publisher, 1000 posts/s, 10 s (default)",
            "  groups  100 groups x 10 subscribers, 4 publishers, 2000 posts/s, 10 s",
            "  idle    5000 connections over 100 groups, each verified with one post, held 15 s",
            "",
            "Publishers send open loop: each message carries its intended send time and latency is measured "
                    + "from it, so a slow server cannot hide its delays (no coordinated omission).",
            "",
            "Transports (--transport), for subscribers and publishers alike:",
            "  tcp  the chat port, plain (default)",
            "  tls  the chat port over TLS 1.3, trusting --tls-ca FILE (else the JDK's",
            "       CAs). The server needs --tls-cert and --tls-key; for a test, with a",
            "       self-signed certificate:",
            "         openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \\",
            "           -nodes -days 30 -subj /CN=localhost -keyout key.pem \\",
            "           -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -out cert.pem",
            "         ./parley server --tls-cert cert.pem --tls-key key.pem",
            "         ./parley bench --transport tls --tls-ca cert.pem",
            "  ws   WebSocket to /ws on the server's HTTP side: --http ADDRESS, else",
            "       the chat port + 1 on the same host, as the server derives it",
            ""},
        footer = {"",
            "Exit status: 0 a clean run; 1 the run found problems (loss, errors,",
            "failed connections) or could not start; 2 bad options; 3 the watchdog",
            "stopped a hung run.",
            "",
            "100,000 connections: the bench and the server each need an open-files",
            "limit above that. As root, run `ulimit -n 200000` in the shell that",
            "starts each, or raise a running one's with",
            "  prlimit --pid PID --nofile=200000:200000",
            "Connections are spread over source addresses 127.0.0.2... when one",
            "address has too few local ports for them.",
            "",
            "Examples:",
            "  ./parley bench",
            "  ./parley bench --scenario groups --rate 5000 --json",
            "  ./parley bench --transport ws --plot latency.svg",
            "  ./parley bench --scenario idle --conns 100000 --server-pid PID"})
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS", defaultValue = "127.0.0.1:7878",
            description = "the server, HOST:PORT or PORT; loopback only (default: ${DEFAULT-VALUE})")
    String address;

    @Option(names = "--publish-to", paramLabel = "ADDRESS",
            description = "connect the publishers to this server instead (another node of a cluster: subscribers on "
                    + "ADDRESS, posts through this one); loopback only")
    String publishTo;

    @Option(names = "--transport", paramLabel = "NAME", defaultValue = "tcp", converter = TransportName.class,
            description = "tcp, tls or ws, for subscribers and publishers (default: ${DEFAULT-VALUE})")
    Transport.Kind transport;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "tls: PEM certificate(s) to trust, the server's CA or its self-signed certificate "
                    + "(default: the JDK's CAs); the certificate must also name the host connected to")
    Path tlsCa;

    @Option(names = "--http", paramLabel = "ADDRESS",
            description = "ws: the server's HTTP side, HOST:PORT or PORT; loopback only "
                    + "(default: the chat port + 1 on the same host, as the server derives it)")
    String http;

    @Option(names = "--plot", paramLabel = "FILE.svg",
            description = "also write the latency percentile distribution as an SVG plot (fanout, groups)")
    Path plot;

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "fanout", converter = ScenarioName.class,
            description = "fanout, groups or idle (default: ${DEFAULT-VALUE})")
    Scenario scenario;

    @Option(names = "--groups", paramLabel = "N", description = "groups (fanout 1, groups 100, idle 100)")
    Integer groups;

    @Option(names = "--subs", paramLabel = "N", description = "subscribers per group (fanout 100, groups 10)")
    Integer subs;

    @Option(names = "--pubs", paramLabel = "N", description = "publishers (fanout 1, groups 4)")
    Integer pubs;

    @Option(names = "--rate", paramLabel = "POSTS/S",
            description = "posts per second, all publishers together, open loop (fanout 1000, groups 2000)")
    Double rate;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "message text per post, at least " + Payload.HEADER + " (default: " + Scenario.DEFAULT_SIZE + ")")
    Integer size;

    @Option(names = "--duration", paramLabel = "TIME", converter = Durations.class,
            description = "measured sending time, e.g. 10, 30s, 2m (default: 10s)")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", converter = Durations.class,
            description = "sending before measuring starts (default: 2s)")
    Duration warmup;

    @Option(names = "--conns", paramLabel = "N", description = "idle: connections to open (default: 5000)")
    Integer conns;

    @Option(names = "--hold", paramLabel = "TIME", converter = Durations.class,
            description = "idle: how long to hold them (default: 15s)")
    Duration hold;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "the server's process id: report its CPU over the measured window (load) or its VmRSS "
                    + "before and after, and per connection (idle)")
    long serverPid;

    @Option(names = "--json", description = "print the final report as one JSON object instead of text")
    boolean json;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1",
            description = "selector threads (tcp) or lanes (tls, ws) reading for the subscribers "
                    + "(default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--source-addrs", paramLabel = "N", defaultValue = "0",
            description = "spread connections over source addresses 127.0.0.2..127.0.0.N+1; "
                    + "0 = only when one address has too few local ports (default: ${DEFAULT-VALUE})")
    int sourceAddrs;

    @Option(names = "--connect-timeout", paramLabel = "TIME", converter = Durations.class, defaultValue = "5s",
            description = "limit for one connection attempt (default: ${DEFAULT-VALUE})")
    Duration connectTimeout;

    @Option(names = "--max-time", paramLabel = "TIME", converter = Durations.class,
            description = "watchdog: abort the run after this long (default: every phase's budget plus 30s)")
    Duration maxTime;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean haltOnWatchdog;

    public BenchCommand() {
        this(System.out, System.err, true);
    }

    BenchCommand(PrintStream out, PrintStream err, boolean haltOnWatchdog) {
        this.out = out;
        this.err = err;
        this.haltOnWatchdog = haltOnWatchdog;
    }

    @Override
    public Integer call() {
        BenchConfig config;
        try {
            config = config();
        } catch (BenchException e) {
            err.println("parley bench: " + e.getMessage());
            return 2;
        }
        Status status = Status.forTerminal(err);
        try {
            FdLimit.ensure(config.totalConnections());
        } catch (BenchException e) {
            status.line(e.getMessage());
            return failed(e.getMessage());
        }
        Run run = config.scenario() == Scenario.IDLE ? new IdleRun(config, status) : new LoadRun(config, status);
        status.line("start: " + describe(config));
        Report report;
        try (Watchdog _ = new Watchdog(config.maxTime(), run, status, haltOnWatchdog)) {
            report = run.run();
        } catch (BenchException e) {
            status.line("failed: " + e.getMessage());
            return failed(e.getMessage());
        } catch (java.io.IOException | RuntimeException e) {
            status.line("failed: " + e);
            return failed(e.toString());
        }
        out.print(json ? report.json() + System.lineSeparator() : report.text());
        out.flush();
        status.line(report.summary());
        if (config.plot() != null && report instanceof LoadReport load && !writePlot(config.plot(), load, status)) {
            return 1;
        }
        return report.clean() ? 0 : 1;
    }

    /** Writes the run's latency plot; false (with a line saying why) if it cannot be written. */
    private static boolean writePlot(Path file, LoadReport r, Status status) {
        try {
            Files.writeString(file, LatencyPlot.svg(plotTitle(r.config()),
                    java.util.List.of(new LatencyPlot.Series(plotLabel(r), r.latencyDetail().histogram()))));
            status.line("latency plot written to " + file);
            return true;
        } catch (IOException e) {
            status.line("cannot write the plot: " + e);
            return false;
        }
    }

    static String plotTitle(BenchConfig c) {
        return String.format(Locale.ROOT, "parley bench %s: latency by percentile (%d x %d subs, %d-byte posts)",
                c.scenario().label(), c.groups(), c.subsPerGroup(), c.size());
    }

    /** A series' label: transport, rate and the p99, e.g. {@code tcp, 1000 posts/s, p99 2.50ms}. */
    static String plotLabel(LoadReport r) {
        return String.format(Locale.ROOT, "%s, %.0f posts/s, p99 %s", r.config().transport().label(),
                r.config().rate(), Fmt.micros(r.latency().p99Us()));
    }

    /** A run that could not be made: with --json, still one object on stdout, saying why. */
    private int failed(String why) {
        if (json) {
            out.println(new JsonWriter().beginObject().field("scenario", scenario.label())
                    .field("transport", transport.label()).field("clean", false)
                    .field("error", why).endObject());
            out.flush();
        }
        return 1;
    }

    /** Resolves the options and the scenario's defaults into one checked configuration. */
    BenchConfig config() throws BenchException {
        Scenario s = scenario;
        List<String> misplaced = new ArrayList<>();
        if (s == Scenario.IDLE) {
            if (subs != null) misplaced.add("--subs");
            if (pubs != null) misplaced.add("--pubs");
            if (rate != null) misplaced.add("--rate");
            if (duration != null) misplaced.add("--duration");
            if (warmup != null) misplaced.add("--warmup");
            if (publishTo != null) misplaced.add("--publish-to");
            if (plot != null) misplaced.add("--plot");
        } else {
            if (conns != null) misplaced.add("--conns");
            if (hold != null) misplaced.add("--hold");
        }
        if (!misplaced.isEmpty()) {
            throw new BenchException(String.join(", ", misplaced) + " do" + (misplaced.size() == 1 ? "es" : "")
                    + " not apply to the " + s.label() + " scenario");
        }
        check(tlsCa == null || transport == Transport.Kind.TLS, "--tls-ca applies to --transport tls only");
        check(http == null || transport == Transport.Kind.WS, "--http applies to --transport ws only");
        check(tlsCa == null || Files.isReadable(tlsCa), "--tls-ca " + tlsCa + ": cannot read the file");
        int g = orDefault(groups, s.groups);
        int sp = orDefault(subs, s.subsPerGroup);
        int p = orDefault(pubs, s.publishers);
        double r = rate != null ? rate : s.rate;
        int sz = orDefault(size, Scenario.DEFAULT_SIZE);
        Duration d = duration != null ? duration : Scenario.DEFAULT_DURATION;
        Duration w = warmup != null ? warmup : Scenario.DEFAULT_WARMUP;
        int c = orDefault(conns, Scenario.DEFAULT_IDLE_CONNECTIONS);
        Duration h = hold != null ? hold : Scenario.DEFAULT_HOLD;

        check(g >= 1, "--groups must be at least 1");
        check(sz >= Payload.HEADER, "--size must be at least " + Payload.HEADER + " bytes (the bench's header)");
        check(sz <= 1 << 20, "--size must be at most 1048576 bytes");
        check(ioThreads >= 1 && ioThreads <= 64, "--io-threads must be between 1 and 64");
        check(sourceAddrs >= 0 && sourceAddrs <= 250, "--source-addrs must be between 0 and 250");
        check(serverPid >= 0, "--server-pid must be a process id");
        check(!connectTimeout.isZero(), "--connect-timeout must be more than 0");
        if (s == Scenario.IDLE) {
            check(c >= 1 && c <= 1_000_000, "--conns must be between 1 and 1000000");
        } else {
            check(sp >= 0, "--subs must not be negative");
            check(p >= 1 && p < Payload.MAX_PUBLISHERS, "--pubs must be between 1 and " + (Payload.MAX_PUBLISHERS - 1));
            check((long) g * sp <= 1_000_000, "--groups x --subs must be at most 1000000 subscribers");
            check(r > 0 && r <= 10_000_000, "--rate must be more than 0 and at most 10000000 posts/s");
            check(!d.isZero(), "--duration must be more than 0");
        }
        BenchConfig cfg = new BenchConfig(s, Connector.loopbackTarget(address), g, sp, p, r, sz, w, d, c, h, ioThreads,
                serverPid, sourceAddrs, connectTimeout, Duration.ZERO);
        Duration limit = maxTime != null ? maxTime : cfg.defaultMaxTime();
        check(!limit.isZero(), "--max-time must be more than 0");
        return new BenchConfig(s, cfg.target(), g, sp, p, r, sz, w, d, c, h, ioThreads, serverPid, sourceAddrs,
                connectTimeout, limit, publishTo == null ? null : Connector.loopbackTarget(publishTo), transport, tlsCa,
                http == null ? null : Connector.loopbackTarget(http), plot);
    }

    private static int orDefault(Integer v, int d) {
        return v != null ? v : d;
    }

    private static void check(boolean ok, String message) throws BenchException {
        if (!ok) throw new BenchException(message);
    }

    static String describe(BenchConfig c) {
        String where = " over " + LoadReport.transportText(c) + " against " + LoadReport.hostPort(c)
                + (c.publishTo() == null ? "" : " (publishers via " + c.publishTo().getAddress().getHostAddress() + ":"
                        + c.publishTo().getPort() + ")");
        if (c.scenario() == Scenario.IDLE) {
            return String.format(Locale.ROOT, "idle, %d connections over %d groups, hold %s%s", c.connections(),
                    c.groups(), Fmt.seconds(c.hold()), where);
        }
        return String.format(Locale.ROOT, "%s, %d group%s x %d subs, %d pub%s, %.0f posts/s, %d B, %s warm-up + %s%s",
                c.scenario().label(), c.groups(), c.groups() == 1 ? "" : "s", c.subsPerGroup(), c.publishers(),
                c.publishers() == 1 ? "" : "s", c.rate(), c.size(), Fmt.seconds(c.warmup()), Fmt.seconds(c.duration()),
                where);
    }

    /** Scenario names in any case: fanout, GROUPS, Idle. */
    static final class ScenarioName implements CommandLine.ITypeConverter<Scenario> {
        @Override
        public Scenario convert(String value) {
            for (Scenario s : Scenario.values()) {
                if (s.label().equalsIgnoreCase(value.strip())) return s;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a scenario: fanout, groups or idle");
        }
    }

    /** Transport names in any case: tcp, TLS, Ws. */
    static final class TransportName implements CommandLine.ITypeConverter<Transport.Kind> {
        @Override
        public Transport.Kind convert(String value) {
            for (Transport.Kind k : Transport.Kind.values()) {
                if (k.label().equalsIgnoreCase(value.strip())) return k;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a transport: tcp, tls or ws");
        }
    }

    /** Parses bench arguments into a configuration, as the command would (for tests and tools). */
    static BenchConfig parse(String... args) throws BenchException {
        BenchCommand cmd = new BenchCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.config();
    }
}
