package parley.cli;

import parley.auth.AuthTokens;
import parley.log.JulBridge;
import parley.log.Log;
import parley.net.ChatServer;
import parley.server.GroupBus;
import parley.server.InvalidSettingException;
import parley.server.ServerConfig;
import parley.server.Store;
import parley.store.SqliteStore;
import parley.store.StoreException;
import parley.store.StoreOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
import picocli.CommandLine.Spec;

/**
 * {@code parley server [ADDRESS]}: runs the chat server in the foreground until SIGTERM or Ctrl-C.
 *
 * <p>Its options are the table {@link ServerOption}, added to the command line by
 * {@link #configure}. Every option can also come from a config file or the environment
 * ({@link ServerDefaults}); a bad value from any of them stops the start with exit code 2 and
 * names the setting and where it came from.
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the chat server in the foreground. SIGTERM or Ctrl-C stops it cleanly (exit 0).",
        footer = {"",
                "Every option can also be set in the --config file, as NAME=VALUE with the option's name without "
                        + "its dashes (group-capacity=1000), or in the environment as PARLEY_NAME "
                        + "(PARLEY_GROUP_CAPACITY=1000). Precedence: flag > config file > environment > default; "
                        + "the defaults shown above include the file's and the environment's values.",
                "",
                "Durations: 500ms, 5s, 2m; switches: true or false. A bad value stops the start with exit code 2, "
                        + "naming the setting."})
public final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final ServerDefaults defaults;

    public ServerCommand() {
        this(System.getenv());
    }

    /** With an environment of the caller's, for tests. */
    ServerCommand(Map<String, String> env) {
        this.defaults = new ServerDefaults(() -> spec == null || spec.findOption("--config") == null ? null
                : (String) spec.findOption("--config").getValue(), env);
    }

    /**
     * Gives a server command its options (the {@link ServerOption} table), and wires its config file
     * and environment defaults and its error messages into its command line; {@code Main} calls
     * this for the {@code server} subcommand.
     */
    public static CommandLine configure(CommandLine server) {
        ServerCommand cmd = server.getCommand();
        ServerOption.addTo(server.getCommandSpec());
        server.setDefaultValueProvider(cmd.defaults);
        server.setParameterExceptionHandler(cmd::badParameter);
        return server;
    }

    @Override
    public Integer call() throws Exception {
        Log.setLevel(value(ServerOption.LOG_LEVEL));
        Log.setFormat(value(ServerOption.LOG_FORMAT));
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
        String http = value(ServerOption.HTTP);
        List<String> webOrigins = list(ServerOption.WEB_ORIGIN);
        List<String> webHosts = list(ServerOption.WEB_HOST);
        List<String> cluster = list(ServerOption.CLUSTER);
        Path authTokens = value(ServerOption.AUTH_TOKENS);
        SignInSettings signInSettings;
        StoreOptions storeOptions;
        try {
            settings = settings();
            storeOptions = cluster.isEmpty() ? storeOptions(settings) : null; // the bus keeps a cluster's history
            origins = loading("web-origin", null, () -> parley.web.OriginPolicy.of(webOrigins, List.of()));
            origins = loading("web-host", null, () -> parley.web.OriginPolicy.of(webOrigins, webHosts));
            if (http != null && !"off".equalsIgnoreCase(http)) httpAddress = parseAddress("http", http);
            tls = tlsContext();
            int maxNameChars = settings.maxNameChars();
            tokens = authTokens == null ? null
                    : loading("auth-tokens", authTokens, () -> AuthTokens.load(authTokens, maxNameChars));
            signInSettings = SignInSettings.read(value(ServerOption.REGISTRATION), value(ServerOption.ACCOUNTS),
                    value(ServerOption.JWT_KEY), value(ServerOption.JWT_AUDIENCE), value(ServerOption.JWT_ISSUER),
                    value(ServerOption.JWT_LEEWAY));
        } catch (InvalidSettingException e) {
            err.println("parley server: " + e.getMessage() + from(e.setting()));
            return 2;
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            err.println("parley server: " + e.getMessage());
            return 2;
        }
        GroupBus bus = GroupBus.LOCAL;
        if (!cluster.isEmpty()) {
            try {
                bus = parley.cluster.NatsBus.connect(cluster, streamRetention(settings));
                Log.info("cluster.connected", "stream", parley.cluster.NatsBus.STREAM, "nats", String.join(",", cluster));
            } catch (IOException | RuntimeException e) {
                err.println("parley server: cannot use the cluster bus at " + String.join(",", cluster) + ": "
                        + e.getMessage());
                return 1;
            }
        }
        Store store;
        try {
            store = openStore(storeOptions);
        } catch (StoreException e) {
            bus.close();
            err.println("parley server: " + e.getMessage());
            return 1;
        }
        ChatServer server;
        try {
            server = ChatServer.start(settings, bus, store, tls, tokens, signInSettings.signIn(store));
        } catch (IOException e) {
            store.close();
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
        logStarted(server, server.config(), tokens, signInSettings); // the limits in force, after the open-files check
        stop.await();
        Log.info("server.stopping", "connections", server.connectionCount());
        server.close();
        if (web != null) web.close();
        Log.info("server.stopped");
        return 0;
    }

    /** The settings as given; the record's constructor refuses bad values, naming the setting. */
    ServerConfig settings() {
        ServerConfig.Builder b = ServerConfig.builder().address(parseAddress("address", value(ServerOption.ADDRESS)));
        for (ServerOption o : ServerOption.values()) {
            Object v = value(o);
            if (o.inConfig() && v != null) o.set(b, v); // null: not given, and the builder's default depends on others
        }
        ServerConfig built = b.build();
        for (String n : built.admins()) {
            if (!n.matches("[A-Za-z0-9_.-]+")) {
                throw new InvalidSettingException("admins", "admins: '" + n + "' is not an account name");
            }
        }
        return built;
    }

    /**
     * The store's options, or null for {@code --data none}. The per-group count must hold at least
     * what a group's ring holds, or a restart would bring back less than members saw.
     */
    StoreOptions storeOptions(ServerConfig settings) {
        String data = value(ServerOption.DATA);
        if (data == null || data.isBlank() || data.strip().equalsIgnoreCase("none")) return null;
        Path dir;
        try {
            dir = Path.of(data.strip());
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidSettingException("data", "data: '" + data + "' is not a directory name");
        }
        long retainMessages = value(ServerOption.RETAIN_MESSAGES);
        if (retainMessages < settings.groupCapacity()) {
            throw new InvalidSettingException("retain-messages", "retain-messages must be at least the group capacity ("
                    + settings.groupCapacity() + "), got " + retainMessages);
        }
        java.time.Duration age = value(ServerOption.RETAIN_AGE);
        if (age.isNegative()) throw new InvalidSettingException("retain-age", "retain-age must not be negative");
        long bytes = value(ServerOption.RETAIN_BYTES);
        if (bytes < 0) throw new InvalidSettingException("retain-bytes", "retain-bytes must not be negative");
        int nice = value(ServerOption.STORE_WRITER_NICE);
        if (nice < 0 || nice > 19) {
            throw new InvalidSettingException("store-writer-nice", "store-writer-nice must be 0 to 19, got " + nice);
        }
        return StoreOptions.defaults(dir, settings.maxConnections())
                .withSync(value(ServerOption.SYNC)).withRetention(age, retainMessages, bytes).withWriterNice(nice);
    }

    /**
     * The retention options as the stream's limits in cluster mode, where the stream keeps the
     * history: 0 (no limit) for messages or bytes is JetStream's -1; an age of 0 keeps messages.
     */
    private parley.cluster.Retention streamRetention(ServerConfig settings) {
        long messages = value(ServerOption.RETAIN_MESSAGES);
        long bytes = value(ServerOption.RETAIN_BYTES);
        java.time.Duration age = value(ServerOption.RETAIN_AGE);
        return new parley.cluster.Retention(age, messages < 1 ? -1 : messages, bytes < 1 ? -1 : bytes,
                settings.dedupWindow());
    }

    /** Opens the store the options name, or none; says where it is. */
    private static Store openStore(StoreOptions options) {
        if (options == null) {
            Log.info("store.off", "data", "none");
            return Store.NONE;
        }
        long t0 = System.nanoTime();
        SqliteStore store = SqliteStore.open(options);
        Log.info("store.opened", "path", store.path().toAbsolutePath(), "epoch", store.epoch(),
                "groups", store.groupsAtOpen(), "clean", store.cleanStart(), "sync",
                options.sync().name().toLowerCase(java.util.Locale.ROOT), "ms", (System.nanoTime() - t0) / 1_000_000);
        return store;
    }

    /** An option's value after parsing: given, from the file or environment, its default, or null. */
    @SuppressWarnings("unchecked")
    private <T> T value(ServerOption o) {
        return (T) o.in(spec).getValue();
    }

    private List<String> list(ServerOption o) {
        List<String> v = value(o);
        return v == null ? List.of() : v;
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
        Path tlsCert = value(ServerOption.TLS_CERT);
        Path tlsKey = value(ServerOption.TLS_KEY);
        Path tlsKeystore = value(ServerOption.TLS_KEYSTORE);
        String tlsKeystorePassword = value(ServerOption.TLS_KEYSTORE_PASSWORD);
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
        String problem = unreadable(file);
        if (problem != null) throw new InvalidSettingException(setting, "--" + setting + " " + file + ": " + problem);
    }

    /** Why {@code file} cannot be read, in a few words ("no such file"), or null if it can. */
    static String unreadable(Path file) {
        return !Files.exists(file) ? "no such file"
                : !Files.isRegularFile(file) ? "not a regular file"
                : !Files.isReadable(file) ? "not readable" : null;
    }

    /** " (from config file F)" when the setting's value came from the file or the environment. */
    private String from(String setting) {
        String source = defaults.sourceOf(setting);
        return source == null ? "" : " (from " + source + ")";
    }

    /**
     * Bad flags and bad values from the file or environment: exit 2, naming the setting and, for a
     * value that did not come from the command line, where it came from. No usage follows: the
     * message says what is wrong, and --help is one command away.
     */
    private int badParameter(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String setting = e.getArgSpec() == null ? null : ServerDefaults.settingName(e.getArgSpec());
        String source = defaults.sourceOf(setting);
        ServerOption option = ServerOption.named(setting);
        if (option != null && e.getCause() instanceof CommandLine.TypeConversionException wrong) {
            if (source != null) {
                err.println("parley server: " + option.wrongKind(e.getValue()) + " (from " + source + ")");
                return cl.getCommandSpec().exitCodeOnInvalidInput();
            }
            err.println("parley server: " + (option == ServerOption.ADDRESS ? "" : "--") + setting + ": "
                    + wrong.getMessage());
        } else {
            err.println("parley server: " + e.getMessage() + from(setting));
        }
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("See 'parley server --help'.");
        }
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    private void logStarted(ChatServer server, ServerConfig c, AuthTokens tokens, SignInSettings signIn) {
        List<Object> fields = new java.util.ArrayList<>(List.of("version", Main.version(),
                "address", hostPort(server.address()), "tls", server.tlsEnabled(),
                "auth", tokens == null ? "off" : "on",
                "tokens", tokens == null ? 0 : tokens.size(),
                "registration", signIn.registrationOpen() ? "open" : "closed",
                "accounts", signIn.required() ? "required" : "optional",
                "jwt", signIn.jwt() == null ? "off" : "on",
                "config", defaults.configPath() == null ? "-" : defaults.configPath()));
        for (ServerOption o : ServerOption.values()) {
            if (o.inConfig()) {
                fields.add(o.name);
                fields.add(o.logValue(c));
            }
        }
        Log.info("server.started", fields.toArray());
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
