package parley.cli;

import parley.auth.AuthTokens;
import parley.log.JulBridge;
import parley.log.Log;
import parley.net.ChatServer;
import parley.options.DurationConverter;
import parley.server.GroupBus;
import parley.server.InvalidSettingException;
import parley.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import parley.options.Address;
import parley.http.HttpFrontend;
import parley.tls.Tls;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code parley server [ADDRESS]}: runs the chat server in the foreground until SIGTERM or Ctrl-C.
 *
 * <p>Every option can also come from a config file or the environment ({@link ServerDefaults});
 * a bad value from any of them stops the start with exit code 2 and names the setting and where
 * it came from.
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the chat server in the foreground. SIGTERM or Ctrl-C stops it cleanly (exit 0).",
        footer = {"",
                "Every option can also be set in the --config file, as NAME=VALUE with the option's name without "
                        + "its dashes (group-capacity=1000), or in the environment as PARLEY_NAME "
                        + "(PARLEY_GROUP_CAPACITY=1000). Precedence: flag > config file > environment > default; "
                        + "the defaults shown above include the file's and the environment's values.",
                "",
                "Durations: 500ms, 5s, 2m. A bad value stops the start with exit code 2, naming the setting."})
public final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS",
            description = "HOST:PORT or PORT to listen on (default: ${DEFAULT-VALUE})",
            defaultValue = ServerConfig.DEFAULT_HOST + ":" + ServerConfig.DEFAULT_PORT)
    String address;

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings file, NAME=VALUE per line (default: $PARLEY_CONFIG, else none)")
    String config;

    // ------------------------------------------------------------------ limits

    @Option(names = "--group-capacity", paramLabel = "N",
            description = "messages a group holds for its members; further behind, a member gets a Dropped notice "
                    + "(default: ${DEFAULT-VALUE})")
    int groupCapacity = ServerConfig.DEFAULT_GROUP_CAPACITY;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "open connections; one more gets an Error and is closed (default: ${DEFAULT-VALUE})")
    int maxConnections = ServerConfig.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-line", paramLabel = "BYTES",
            description = "longest request line; a longer one gets an Error and the connection is closed "
                    + "(default: ${DEFAULT-VALUE})")
    int maxLine = ServerConfig.DEFAULT_MAX_LINE_BYTES;

    @Option(names = "--max-message", paramLabel = "BYTES",
            description = "longest message a Post may carry (UTF-8); a longer post gets an Error and is not delivered "
                    + "(default: ${DEFAULT-VALUE})")
    int maxMessage = ServerConfig.DEFAULT_MAX_MESSAGE_BYTES;

    @Option(names = "--post-rate", paramLabel = "N",
            description = "posts a second one connection may sustain; an over-limit post gets an Error and is not "
                    + "delivered; 0 means no limit (default: ${DEFAULT-VALUE})")
    int postRate = ServerConfig.DEFAULT_POST_RATE;

    @Option(names = "--post-burst", paramLabel = "N",
            description = "posts one connection may send at once before the rate applies (default: the post rate)")
    Integer postBurst;

    @Option(names = "--max-group-name", paramLabel = "CHARS",
            description = "longest group name (default: ${DEFAULT-VALUE})")
    int maxGroupName = ServerConfig.DEFAULT_MAX_GROUP_NAME_CHARS;

    @Option(names = "--max-groups-per-connection", paramLabel = "N",
            description = "groups one connection may belong to (default: ${DEFAULT-VALUE})")
    int maxGroups = ServerConfig.DEFAULT_MAX_GROUPS_PER_CONNECTION;

    @Option(names = "--max-name", paramLabel = "CHARS",
            description = "longest user name in Hello, at most 32 (default: ${DEFAULT-VALUE})")
    int maxName = ServerConfig.DEFAULT_MAX_NAME_CHARS;

    @Option(names = "--write-deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ServerConfig.DEFAULT_WRITE_DEADLINE_TEXT,
            description = "longest a write to a client may stay blocked; a client that takes nothing for this long "
                    + "is disconnected (default: ${DEFAULT-VALUE})")
    Duration writeDeadline;

    @Option(names = "--write-buffer", paramLabel = "BYTES",
            description = "write buffer a busy connection borrows; bounds its own write backlog "
                    + "(default: ${DEFAULT-VALUE})")
    int writeBuffer = ServerConfig.DEFAULT_WRITE_BUFFER_BYTES;

    @Option(names = "--read-buffer", paramLabel = "BYTES",
            description = "initial read buffer per connection; grows only for long lines (default: ${DEFAULT-VALUE})")
    int readBuffer = ServerConfig.DEFAULT_READ_BUFFER_BYTES;

    @Option(names = "--max-reply-backlog", paramLabel = "BYTES",
            description = "replies queued for a client before its input is paused (default: ${DEFAULT-VALUE})")
    int maxReplyBacklog = ServerConfig.DEFAULT_MAX_REPLY_BACKLOG_BYTES;

    @Option(names = "--close-flush-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ServerConfig.DEFAULT_CLOSE_FLUSH_TIMEOUT_TEXT,
            description = "time a closing connection (or the whole server, on SIGTERM) gets to send what is queued "
                    + "(default: ${DEFAULT-VALUE})")
    Duration closeFlush;

    @Option(names = "--writer-linger", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ServerConfig.DEFAULT_WRITER_LINGER_TEXT,
            description = "how long an idle connection keeps its writer thread (default: ${DEFAULT-VALUE})")
    Duration writerLinger;

    @Option(names = "--group-linger", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ServerConfig.DEFAULT_GROUP_LINGER_TEXT,
            description = "how long a group whose last member left keeps its history before it is removed; "
                    + "0 removes it at once (default: ${DEFAULT-VALUE})")
    Duration groupLinger;

    @Option(names = "--coalesce", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ServerConfig.DEFAULT_COALESCE_TEXT,
            description = "longest a busy group (more than eight posts per this interval) holds back waking its "
                    + "members, so each member gets several posts in one write; 0 wakes them on every post "
                    + "(default: ${DEFAULT-VALUE})")
    Duration coalesce;

    @Option(names = "--history", paramLabel = "N",
            description = "messages each group retains for history (Join with history, Fetch); at least the group "
                    + "capacity (default: " + ServerConfig.DEFAULT_HISTORY_MESSAGES + ", or the capacity if larger)")
    Integer history;

    @Option(names = "--history-bytes", paramLabel = "BYTES",
            description = "bytes of history each group keeps beyond its last group-capacity messages "
                    + "(default: ${DEFAULT-VALUE})")
    long historyBytes = ServerConfig.DEFAULT_HISTORY_BYTES;

    // ------------------------------------------------------------------ TLS and authentication

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain (leaf first): the chat listener then speaks TLS 1.3 only")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PEM private key for --tls-cert (PKCS#8, or PKCS#1 RSA / SEC1 EC; not encrypted)")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "PKCS#12 key store instead of --tls-cert/--tls-key")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD",
            description = "its password; better set as PARLEY_TLS_KEYSTORE_PASSWORD or in the config file, "
                    + "since command lines are visible to other users")
    String tlsKeystorePassword;

    @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ServerConfig.DEFAULT_TLS_HANDSHAKE_TIMEOUT_TEXT,
            description = "time a new TLS connection has to finish its handshake (default: ${DEFAULT-VALUE})")
    Duration tlsHandshakeTimeout;

    @Option(names = "--auth-tokens", paramLabel = "FILE",
            description = "require authentication: lines 'TOKEN USERNAME' (# comments); a client's first request "
                    + "must then be {\"Auth\":{\"token\":\"...\"}}")
    Path authTokens;

    @Option(names = "--auth-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = ServerConfig.DEFAULT_AUTH_TIMEOUT_TEXT,
            description = "with --auth-tokens, time a new connection has to authenticate (default: ${DEFAULT-VALUE})")
    Duration authTimeout;

    // ------------------------------------------------------------------ operations

    @Option(names = "--http", paramLabel = "ADDRESS",
            description = "HOST:PORT for the HTTP side (/health, /metrics, the web chat at / and /ws); 'off' disables it "
                    + "(default: 127.0.0.1 and the chat port + 1, or a free port if that one is taken)")
    String http;

    @Option(names = "--web-origin", paramLabel = "ORIGIN",
            description = "another origin whose pages may use the chat WebSocket, e.g. https://chat.example.org "
                    + "(repeatable; pages served by this server are always allowed)")
    List<String> webOrigins = new java.util.ArrayList<>();

    @Option(names = "--cluster", paramLabel = "NATS-URL", split = ",",
            description = "cluster mode: share groups with every Parley node on these NATS servers "
                    + "(nats://HOST:PORT, comma-separated or repeated; JetStream must be on); see docs/cluster.md")
    List<String> cluster;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "DEBUG, INFO, WARN or ERROR (default: ${DEFAULT-VALUE})")
    Log.Level logLevel = Log.Level.INFO;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "TEXT (time level event key=value ...) or JSON, one line per event (default: ${DEFAULT-VALUE})")
    Log.Format logFormat = Log.Format.TEXT;

    private final ServerDefaults defaults;

    public ServerCommand() {
        this(System.getenv());
    }

    /** With an environment of the caller's, for tests. */
    ServerCommand(Map<String, String> env) {
        this.defaults = new ServerDefaults(() -> config, env);
    }

    /**
     * Wires a server command's config file and environment defaults and its error messages into
     * its command line; {@code Main} calls this for the {@code server} subcommand.
     */
    public static CommandLine configure(CommandLine server) {
        ServerCommand cmd = server.getCommand();
        server.setDefaultValueProvider(cmd.defaults);
        server.setParameterExceptionHandler(cmd::badParameter);
        return server;
    }

    @Override
    public Integer call() throws Exception {
        Log.setLevel(logLevel);
        Log.setFormat(logFormat);
        JulBridge.install();
        PrintWriter err = spec.commandLine().getErr();
        if (defaults.problem() != null) {
            err.println("parley server: " + defaults.problem());
            return 2;
        }
        Set<String> unknown = defaults.unknownKeys(spec);
        if (!unknown.isEmpty()) {
            err.println("parley server: unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " in config file " + defaults.configPath() + " (see parley server --help)");
            return 2;
        }
        ServerConfig settings;
        SSLContext tls;
        AuthTokens tokens;
        parley.web.OriginPolicy origins;
        InetSocketAddress httpAddress = null;
        try {
            settings = settings();
            origins = loading("web-origin", null, () -> parley.web.OriginPolicy.of(webOrigins));
            if (http != null && !"off".equalsIgnoreCase(http)) httpAddress = parseAddress("http", http);
            tls = tlsContext();
            int maxNameChars = settings.maxNameChars();
            tokens = authTokens == null ? null
                    : loading("auth-tokens", authTokens, () -> AuthTokens.load(authTokens, maxNameChars));
        } catch (InvalidSettingException e) {
            err.println("parley server: " + e.getMessage() + from(e.setting()));
            return 2;
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            err.println("parley server: " + e.getMessage());
            return 2;
        }
        GroupBus bus = GroupBus.LOCAL;
        if (cluster != null && !cluster.isEmpty()) {
            try {
                bus = parley.cluster.NatsBus.connect(cluster, settings.historyMessages());
                Log.info("cluster.connected", "stream", parley.cluster.NatsBus.STREAM, "nats", String.join(",", cluster));
            } catch (IOException | RuntimeException e) {
                err.println("parley server: cannot use the cluster bus at " + String.join(",", cluster) + ": "
                        + e.getMessage());
                return 1;
            }
        }
        ChatServer server;
        try {
            server = ChatServer.start(settings, bus, tls, tokens);
        } catch (IOException e) {
            bus.close();
            err.println("parley server: " + e.getMessage());
            return 1;
        }
        HttpFrontend web = null;
        if (!"off".equalsIgnoreCase(http)) {
            try {
                web = startHttp(server, httpAddress, List.of(new parley.web.WsRoutes(server.chat(), origins)));
                Log.info("http.started", "address", (httpAddress != null ? httpAddress.getHostString()
                        : ServerConfig.DEFAULT_HOST) + ":" + web.port());
            } catch (RuntimeException e) {
                err.println("parley server: cannot start the HTTP listener on " + http + ": " + e.getMessage());
                server.close();
                return 1;
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        logStarted(server, settings, tokens);
        stop.await();
        Log.info("server.stopping", "connections", server.connectionCount());
        server.close();
        if (web != null) web.close();
        Log.info("server.stopped");
        return 0;
    }

    /** The settings as given; the record's constructor refuses bad values, naming the setting. */
    ServerConfig settings() {
        return ServerConfig.builder()
                .address(parseAddress("address", address))
                .groupCapacity(groupCapacity)
                .maxLineBytes(maxLine)
                .maxGroupNameChars(maxGroupName)
                .maxGroupsPerConnection(maxGroups)
                .readBufferBytes(readBuffer)
                .writeBufferBytes(writeBuffer)
                .maxReplyBacklogBytes(maxReplyBacklog)
                .closeFlushTimeout(closeFlush)
                .writerLinger(writerLinger)
                .groupLinger(groupLinger)
                .coalesce(coalesce)
                .historyMessages(history != null ? history : Math.max(groupCapacity, ServerConfig.DEFAULT_HISTORY_MESSAGES))
                .historyBytes(historyBytes)
                .maxNameChars(maxName)
                .maxConnections(maxConnections)
                .maxMessageBytes(maxMessage)
                .postRate(postRate)
                .postBurst(postBurst != null ? postBurst : Math.max(1, postRate))
                .writeDeadline(writeDeadline)
                .authTimeout(authTimeout)
                .tlsHandshakeTimeout(tlsHandshakeTimeout)
                .build();
    }

    private static InetSocketAddress parseAddress(String setting, String text) {
        try {
            return Address.parse(text, ServerConfig.DEFAULT_HOST);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(setting, setting + ": " + e.getMessage());
        }
    }

    /** The TLS context the options ask for, or null for plain TCP. */
    SSLContext tlsContext() throws IOException, GeneralSecurityException {
        boolean pem = tlsCert != null || tlsKey != null;
        if (pem && tlsKeystore != null) {
            throw new InvalidSettingException("tls-keystore", "give either --tls-cert and --tls-key or --tls-keystore, not both");
        }
        if (pem) {
            if (tlsCert == null || tlsKey == null) {
                throw new InvalidSettingException(tlsCert == null ? "tls-cert" : "tls-key",
                        "--tls-cert and --tls-key go together");
            }
            readable("tls-key", tlsKey);
            return loading("tls-cert", tlsCert, () -> Tls.serverFromPem(tlsCert, tlsKey));
        }
        if (tlsKeystore != null) {
            return loading("tls-keystore", tlsKeystore, () -> Tls.serverFromKeyStore(tlsKeystore,
                    tlsKeystorePassword == null ? new char[0] : tlsKeystorePassword.toCharArray()));
        }
        return null;
    }

    private interface Load<T> {
        T get() throws IOException, GeneralSecurityException;
    }

    /**
     * Runs the loader of a setting's value (a file, or a list to parse), so that a failure is
     * refused as that setting's: the message names it, and the file.
     */
    private static <T> T loading(String setting, Path file, Load<T> load) {
        if (file != null) readable(setting, file);
        try {
            return load.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidSettingException(setting, "--" + setting + (file == null ? "" : " " + file) + ": "
                    + e.getMessage());
        }
    }

    private static void readable(String setting, Path file) {
        String problem = !Files.exists(file) ? "no such file"
                : !Files.isRegularFile(file) ? "not a regular file"
                : !Files.isReadable(file) ? "not readable" : null;
        if (problem != null) throw new InvalidSettingException(setting, "--" + setting + " " + file + ": " + problem);
    }

    /** " (from config file F)" when the setting's value came from the file or the environment. */
    private String from(String setting) {
        String source = defaults.sourceOf(setting);
        return source == null ? "" : " (from " + source + ")";
    }

    /** Bad flags and bad values from the file or environment: exit 2, naming the setting and its source. */
    private int badParameter(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String setting = e.getArgSpec() == null ? null : ServerDefaults.settingName(e.getArgSpec());
        err.println("parley server: " + e.getMessage() + from(setting));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("See 'parley server --help'.");
        }
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    private void logStarted(ChatServer server, ServerConfig c, AuthTokens tokens) {
        Log.info("server.started", "version", Main.version(), "address", hostPort(server.address()),
                "tls", server.tlsEnabled(), "auth", tokens == null ? "off" : "on", "tokens", tokens == null ? 0 : tokens.size(),
                "config", defaults.configPath() == null ? "-" : defaults.configPath(),
                "group-capacity", c.groupCapacity(), "max-connections", c.maxConnections(),
                "max-line", c.maxLineBytes(), "max-message", c.maxMessageBytes(),
                "post-rate", c.postRate() == 0 ? "off" : c.postRate(), "post-burst", c.postBurst(),
                "max-group-name", c.maxGroupNameChars(), "max-groups-per-connection", c.maxGroupsPerConnection(),
                "max-name", c.maxNameChars(), "write-deadline", text(c.writeDeadline()),
                "write-buffer", c.writeBufferBytes(), "read-buffer", c.readBufferBytes(),
                "max-reply-backlog", c.maxReplyBacklogBytes(), "close-flush-timeout", text(c.closeFlushTimeout()),
                "writer-linger", text(c.writerLinger()), "group-linger", text(c.groupLinger()), "coalesce", text(c.coalesce()),
                "history", c.historyMessages(), "history-bytes", c.historyBytes(),
                "auth-timeout", text(c.authTimeout()), "tls-handshake-timeout", text(c.tlsHandshakeTimeout()));
    }

    private static String text(Duration d) {
        return DurationConverter.format(d);
    }

    /** An explicit --http address must bind; the default tries the chat port + 1, then any free port. */
    private HttpFrontend startHttp(ChatServer server, InetSocketAddress explicit, List<HttpFrontend.Routes> features) {
        if (explicit != null) {
            return HttpFrontend.start(explicit, server, features);
        }
        int chatPort = server.address().getPort();
        InetSocketAddress preferred = new InetSocketAddress(ServerConfig.DEFAULT_HOST,
                chatPort == 0 || chatPort == 65535 ? 0 : chatPort + 1);
        try {
            return HttpFrontend.start(preferred, server, features);
        } catch (RuntimeException e) {
            Log.warn("http.port_taken", "port", preferred.getPort());
            return HttpFrontend.start(new InetSocketAddress(ServerConfig.DEFAULT_HOST, 0), server, features);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
