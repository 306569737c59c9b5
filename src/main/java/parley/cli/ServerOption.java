package parley.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import parley.budget.MaxMemory;
import parley.log.Log;
import parley.options.DurationConverter;
import parley.options.Sizes;
import parley.server.ServerConfig;
import parley.store.StoreOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Every option of {@code parley server}, declared once. The command line is built from this table
 * ({@link #addTo}), and so are the config file's keys and the environment's variables (the option's
 * name, see {@link ServerDefaults}), {@code --help}, the {@code server.started} log line, and the
 * settings table of docs/operations.md ({@link #markdownTable}, which a test compares with the
 * file). An option that is a {@link ServerConfig} setting says how to read it from the record and
 * how to set it on the builder; its default is the record's, so it is written once, there, and its
 * validation is the record's too. The others (files, the HTTP side, logging) are read by
 * {@link ServerCommand}.
 */
enum ServerOption {
    ADDRESS("address", "ADDRESS", Kind.TEXT, null, null,
            "HOST:PORT or PORT to listen on", null, null),
    CONFIG("config", "FILE", Kind.TEXT, null, null,
            "settings file, NAME=VALUE per line",
            "$PARLEY_CONFIG, else none", null),

    // ------------------------------------------------------------------ limits
    GROUP_CAPACITY("group-capacity", "N", Kind.INT, ServerConfig::groupCapacity,
            set(ServerConfig.Builder::groupCapacity),
            "messages a group holds for its members; further behind, a member gets a Dropped notice", null,
            "a member further behind gets `Dropped N messages from GROUP.` and carries on"),
    GROUP_CAPACITY_BYTES("group-capacity-bytes", "SIZE", Kind.SIZE, ServerConfig::groupCapacityBytes,
            set(ServerConfig.Builder::groupCapacityBytes),
            "memory a group holds for its members (both encodings of each message); further behind, "
                    + "a member gets a Dropped notice; one larger message is still delivered, alone", null,
            "a member further behind gets `Dropped N messages from GROUP.` and carries on"),
    MAX_CONNECTIONS("max-connections", "N", Kind.INT, ServerConfig::maxConnections,
            set(ServerConfig.Builder::maxConnections),
            "open connections, over every transport; one more gets an Error and is closed; lowered at start "
                    + "to what the open-files limit allows (2 descriptors each), with a warning", null,
            "`server full: at most N connections; ...`, then close"),
    MAX_HTTP_CONNECTIONS("max-http-connections", "N", Kind.INT, ServerConfig::maxHttpConnections,
            set(ServerConfig.Builder::maxHttpConnections),
            "open HTTP connections (pages, /health, /metrics, WebSockets); with --max-connections, reconciled "
                    + "with the open-files limit at start", null,
            "further connections wait unaccepted until one closes"),
    HTTP_IDLE_TIMEOUT("http-idle-timeout", "DURATION", Kind.DURATION, ServerConfig::httpIdleTimeout,
            set(ServerConfig.Builder::httpIdleTimeout),
            "longest an HTTP connection may take to send a whole request (request line and headers), or sit "
                    + "idle between requests; WebSockets are pinged often enough to stay", null,
            "the connection is closed"),
    READ_IDLE("read-idle", "DURATION", Kind.DURATION, ServerConfig::readIdle, set(ServerConfig.Builder::readIdle),
            "a chat connection (TCP or WebSocket) that sends nothing for this long is closed; 0 means never "
                    + "(TCP keep-alive still notices a peer that vanished)", null,
            "`closing an idle connection: nothing received for D`, then close"),
    MAX_LINE("max-line", "BYTES", Kind.INT, ServerConfig::maxLineBytes, set(ServerConfig.Builder::maxLineBytes),
            "longest request line; a longer one gets an Error and the connection is closed (4096 bytes until "
                    + "a connection has authenticated, with --auth-tokens)", null,
            "Error, then close"),
    MAX_MESSAGE("max-message", "BYTES", Kind.INT, ServerConfig::maxMessageBytes,
            set(ServerConfig.Builder::maxMessageBytes),
            "longest message a Post may carry (UTF-8); a longer post gets an Error and is not delivered", null,
            "`message too long: ...; it was not delivered to 'G'`; the connection stays"),
    POST_RATE("post-rate", "N", Kind.INT, ServerConfig::postRate, set(ServerConfig.Builder::postRate),
            "posts a second one connection may sustain (token bucket); an over-limit post gets an Error and is "
                    + "not delivered; 0 means no limit", null,
            "`posting too fast: ...; this post was not delivered to 'G'`; the connection stays"),
    POST_BURST("post-burst", "N", Kind.INT, ServerConfig::postBurst, set(ServerConfig.Builder::postBurst),
            "posts one connection may send at once before the rate applies", "the post rate",
            "as for the post rate"),
    REQUEST_RATE("request-rate", "N", Kind.INT, ServerConfig::requestRate, set(ServerConfig.Builder::requestRate),
            "requests a second other than Post (List, Members, Fetch, Join, ..., and bad lines) one connection "
                    + "may sustain (token bucket, bursts of twice this); an over-limit request gets an Error and is "
                    + "not acted on; 0 means no limit", null,
            "`requesting too fast: ...; this request was not acted on`; the connection stays"),
    MAX_GROUP_NAME("max-group-name", "CHARS", Kind.INT, ServerConfig::maxGroupNameChars,
            set(ServerConfig.Builder::maxGroupNameChars),
            "longest group name", null, "Error"),
    MAX_GROUPS_PER_CONNECTION("max-groups-per-connection", "N", Kind.INT, ServerConfig::maxGroupsPerConnection,
            set(ServerConfig.Builder::maxGroupsPerConnection),
            "groups one connection may belong to at once", null, "Error"),
    MAX_NAME("max-name", "CHARS", Kind.INT, ServerConfig::maxNameChars, set(ServerConfig.Builder::maxNameChars),
            "longest user name in Hello, at most 32", null, "Error"),
    WRITE_DEADLINE("write-deadline", "DURATION", Kind.DURATION, ServerConfig::writeDeadline,
            set(ServerConfig.Builder::writeDeadline),
            "longest a client's socket may take nothing while the server has output for it (a client that "
                    + "reads slowly but steadily is not cut off)", null,
            "the connection is closed (no Error can reach it)"),
    WRITE_BUFFER("write-buffer", "BYTES", Kind.INT, ServerConfig::writeBufferBytes,
            set(ServerConfig.Builder::writeBufferBytes),
            "write buffer a busy connection borrows, at most (it starts at 512 bytes); it is dropped when the "
                    + "connection has been idle for the writer linger, and bounds the connection's own write backlog",
            null, null),
    READ_BUFFER("read-buffer", "BYTES", Kind.INT, ServerConfig::readBufferBytes,
            set(ServerConfig.Builder::readBufferBytes),
            "read buffer per idle connection; it grows only while a long line arrives, never past the max "
                    + "line, and shrinks back; all connections' growth shares the lines budget (a share of --max-memory)",
            null, "a line that must grow when the budget is full: `server busy: too many long lines in progress; "
                    + "closing the connection`"),
    MAX_REPLY_BACKLOG("max-reply-backlog", "BYTES", Kind.INT, ServerConfig::maxReplyBacklogBytes,
            set(ServerConfig.Builder::maxReplyBacklogBytes),
            "memory held by replies queued for a client that does not read them (each reply's line, queue entry "
                    + "and ordering snapshot); all connections' replies share the replies budget (a share of --max-memory)",
            null, "the server stops reading that client until they drain (and any client while the budget is full)"),
    CLOSE_FLUSH_TIMEOUT("close-flush-timeout", "DURATION", Kind.DURATION, ServerConfig::closeFlushTimeout,
            set(ServerConfig.Builder::closeFlushTimeout),
            "time a closing connection (or the whole server, on SIGTERM) gets to send what is queued", null,
            "the rest is dropped"),
    WRITER_LINGER("writer-linger", "DURATION", Kind.DURATION, ServerConfig::writerLinger,
            set(ServerConfig.Builder::writerLinger),
            "how long an idle connection keeps its writer thread", null, "the thread ends"),
    GROUP_LINGER("group-linger", "DURATION", Kind.DURATION, ServerConfig::groupLinger,
            set(ServerConfig.Builder::groupLinger),
            "how long a group whose last member left keeps its history and seq (at most 10,000 such groups "
                    + "at once); 0 removes it at once", null,
            "the group is removed; a post to it gets `Group 'G' does not exist`"),
    COALESCE("coalesce", "DURATION", Kind.DURATION, ServerConfig::coalesce, set(ServerConfig.Builder::coalesce),
            "longest a busy group (more than eight posts per this interval) holds back waking its members, so "
                    + "each member gets several posts in one write; 0 wakes them on every post and turns off "
                    + "inline writes; at most 1s", null,
            "members of a busy group get its posts up to this much later"),
    HISTORY("history", "N", Kind.INT, ServerConfig::historyMessages, set(ServerConfig.Builder::historyMessages),
            "messages each group retains for history (Join with history, Fetch); at least the group capacity",
            ServerConfig.DEFAULT_HISTORY_MESSAGES + ", or the capacity if larger", "oldest dropped"),
    HISTORY_BYTES("history-bytes", "BYTES", Kind.LONG, ServerConfig::historyBytes,
            set(ServerConfig.Builder::historyBytes),
            "bytes of history each group keeps beyond its last group-capacity messages", null, "oldest dropped"),
    INLINE_SEND("inline-send", "true|false", Kind.BOOLEAN, ServerConfig::inlineSend,
            set(ServerConfig.Builder::inlineSend),
            "let a poster write a quiet group's post straight to each member's socket, never waiting (Linux); "
                    + "false leaves every write to the member's writer thread", null, null),
    MAX_MEMORY("max-memory", "SIZE", Kind.SIZE, ServerConfig::maxMemoryBytes,
            set(ServerConfig.Builder::maxMemoryBytes),
            "the heap the server runs in (the launcher sets the JVM's -Xmx to it); every memory budget "
                    + "(partial lines, queued replies, rings, WebSocket fragments, history reads) is a share of it; "
                    + "at least 64m", null, "the work that would exceed a budget is refused"),
    IDLE_READERS("idle-readers", "true|false", Kind.BOOLEAN, ServerConfig::idleReaders,
            set(ServerConfig.Builder::idleReaders),
            "let plain connections with nothing to read wait in one epoll set instead of each in a thread of "
                    + "its own (Linux); false keeps a parked reader thread per connection", null, null),

    // ------------------------------------------------------------------ TLS and authentication
    TLS_CERT("tls-cert", "FILE", Kind.PATH, null, null,
            "PEM certificate chain (leaf first): the chat listener then speaks TLS 1.3 only", null, null),
    TLS_KEY("tls-key", "FILE", Kind.PATH, null, null,
            "PEM private key for --tls-cert (PKCS#8, or PKCS#1 RSA / SEC1 EC; not encrypted)", null, null),
    TLS_KEYSTORE("tls-keystore", "FILE", Kind.PATH, null, null,
            "PKCS#12 key store instead of --tls-cert/--tls-key", null, null),
    TLS_KEYSTORE_PASSWORD("tls-keystore-password", "PASSWORD", Kind.TEXT, null, null,
            "its password; better set as PARLEY_TLS_KEYSTORE_PASSWORD or in the config file, since command "
                    + "lines are visible to other users", null, null),
    TLS_HANDSHAKE_TIMEOUT("tls-handshake-timeout", "DURATION", Kind.DURATION, ServerConfig::tlsHandshakeTimeout,
            set(ServerConfig.Builder::tlsHandshakeTimeout),
            "with TLS on, time a new connection has to finish its handshake", null, "close"),
    AUTH_TOKENS("auth-tokens", "FILE", Kind.PATH, null, null,
            "require authentication: lines 'TOKEN USERNAME' (# comments); a client's first request must then "
                    + "be {\"Auth\":{\"token\":\"...\"}}", null, null),
    AUTH_TIMEOUT("auth-timeout", "DURATION", Kind.DURATION, ServerConfig::authTimeout,
            set(ServerConfig.Builder::authTimeout),
            "with --auth-tokens, time a new connection has to authenticate", null, "Error, then close"),
    LINE_TIMEOUT("line-timeout", "DURATION", Kind.DURATION, ServerConfig::lineTimeout,
            set(ServerConfig.Builder::lineTimeout),
            "longest a request line (or WebSocket message) may take to arrive whole (an unfinished one holds memory)", null,
            "Error, then close"),
    PRESENCE_LIMIT("presence-limit", "N", Kind.INT, ServerConfig::presenceLimit, set(ServerConfig.Builder::presenceLimit),
            "above this many members a group sends no Joined and Left packets (Members still answers)", null,
            "no presence packets"),
    DEDUP_WINDOW("dedup-window", "DURATION", Kind.DURATION, ServerConfig::dedupWindow,
            set(ServerConfig.Builder::dedupWindow),
            "how long a post's id is remembered: a Post with the same group and id again within it is not "
                    + "delivered twice and gets the first one's Posted", null, "the first post's Posted"),

    // ------------------------------------------------------------------ accounts
    REGISTRATION("registration", "open|closed", Kind.TEXT, null, null,
            "open: any client may Register an account; closed: accounts come only from `parley accounts add NAME` "
                    + "(run with the server stopped); see docs/accounts.md", null,
            "`registration is closed on this server: ...`"),
    ACCOUNTS("accounts", "optional|required", Kind.TEXT, null, null,
            "required: a connection must sign in (Register, Login or a JWT Auth) before Hello, Join or Post; "
                    + "optional: anonymous names still work for names nobody registered", null,
            "`this server requires an account: ...`; the connection stays"),
    JWT_KEY("jwt-key", "FILE", Kind.PATH, null, null,
            "accept JWTs in Auth: an HMAC secret (HS256, at least 32 bytes), a PEM public key or a JWKS file "
                    + "(RS256, ES256); the token's sub signs in as that account, made on first use", null, null),
    JWT_AUDIENCE("jwt-audience", "AUD", Kind.TEXT, null, null,
            "with --jwt-key, the aud a token must name", null, "`authentication failed: wrong audience`"),
    JWT_ISSUER("jwt-issuer", "ISS", Kind.TEXT, null, null,
            "with --jwt-key, the iss a token must have", null, "`authentication failed: wrong issuer`"),
    JWT_LEEWAY("jwt-leeway", "DURATION", Kind.DURATION, null, null,
            "clock difference allowed when checking a token's exp and nbf; a connection is closed this long "
                    + "after its token's exp unless a fresh Auth came", null,
            "`sign-in token expired ...`, then close"),
    ADMINS("admins", "NAMES", Kind.COMMA_LIST, ServerConfig::admins, ServerOption::setAdmins,
            "server admins: accounts that may do everything a group's owner can in every group, and Suspend "
                    + "accounts (comma-separated or repeated; also `parley accounts admin NAME`); see docs/moderation.md",
            null, null),
    GROUPS_NEED_OWNER("groups-need-owner", "true|false", Kind.BOOLEAN, ServerConfig::groupsNeedOwner,
            set(ServerConfig.Builder::groupsNeedOwner),
            "only a connection signed in to an account may create a group (its owner); see docs/moderation.md", null,
            "`only an account can create groups (--groups-need-owner)`"),
    DIRECT_RATE("direct-rate", "N", Kind.INT, ServerConfig::directRate, set(ServerConfig.Builder::directRate),
            "direct messages a second one account may send, over all its connections (bursts of five times as "
                    + "many); 0 for no limit; see docs/direct.md", null,
            "`sending direct messages too fast: ...`; the message is not delivered"),

    // ------------------------------------------------------------------ the store
    DATA("data", "DIR", Kind.TEXT, null, null,
            "directory of the message store (one SQLite file, parley.db; created if missing), relative to the "
                    + "working directory; 'none' keeps messages in memory only; not used with --cluster; see "
                    + "docs/store.md", null, null),
    SYNC("sync", "normal|full", Kind.SYNC, null, null,
            "what a stored post survives: normal, a crash of the server process; full, also a power loss "
                    + "(an fsync per committed batch)", null, null),
    RETAIN_AGE("retain-age", "DURATION", Kind.DURATION, null, null,
            "stored messages older than this are deleted (30d, 12h, ...); 0 keeps them whatever their age",
            null, "oldest deleted"),
    RETAIN_MESSAGES("retain-messages", "N", Kind.LONG, null, null,
            "stored messages kept per group; at least the group capacity", null, "oldest deleted"),
    RETAIN_BYTES("retain-bytes", "SIZE", Kind.SIZE, null, null,
            "disk the whole store may use for messages; 0 means no limit", null,
            "oldest deleted, over all groups; the space is given back"),
    STORE_WRITER_NICE("store-writer-nice", "N", Kind.INT, null, null,
            "Linux nice value (0-19) of the store's writer thread: above 0, live delivery gets the cores first "
                    + "when they are short and the writer batches more; 0 runs it as the other threads", null, null),

    // ------------------------------------------------------------------ operations
    HTTP("http", "ADDRESS", Kind.TEXT, null, null,
            "HOST:PORT for the HTTP side (/health, /metrics, the web chat at / and /ws); 'off' disables it",
            "127.0.0.1 and the chat port + 1, or a free port if that one is taken", null),
    WEB_ORIGIN("web-origin", "ORIGIN", Kind.LIST, null, null,
            "another origin whose pages may use the chat WebSocket, e.g. https://chat.example.org (repeatable; "
                    + "pages served by this server are always allowed)", null, null),
    WEB_HOST("web-host", "NAME", Kind.LIST, null, null,
            "another name the HTTP side answers to, e.g. chat.example.org (repeatable); a request whose Host "
                    + "header names none of them is refused with 421, so DNS rebinding cannot reach the server",
            "localhost and the address a request arrives at", "421 Misdirected Request"),
    CLUSTER("cluster", "NATS-URL", Kind.COMMA_LIST, null, null,
            "cluster mode: share groups with every Parley node on these NATS servers (nats://HOST:PORT, "
                    + "comma-separated or repeated; JetStream must be on); see docs/cluster.md", null, null),
    LOG_LEVEL("log-level", "LEVEL", Kind.LOG_LEVEL, null, null,
            "DEBUG, INFO, WARN or ERROR", null, null),
    LOG_FORMAT("log-format", "FORMAT", Kind.LOG_FORMAT, null, null,
            "TEXT (time level event key=value ...) or JSON, one line per event", null, null);

    /** How an option's text becomes its value, and what a wrong one is told. */
    enum Kind {
        TEXT("text", String.class) {
            @Override Object parse(String v) { return v; }
        },
        PATH("a file name", Path.class) {
            @Override Object parse(String v) {
                try {
                    return Path.of(v);
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException("is not a file name");
                }
            }
        },
        INT("a whole number", Integer.class) {
            @Override Object parse(String v) { return Integer.parseInt(v.strip()); }
        },
        LONG("a whole number", Long.class) {
            @Override Object parse(String v) { return Long.parseLong(v.strip()); }
        },
        /** Bytes, with an optional k, m or g suffix (powers of 1024), as -Xmx takes them. */
        SIZE("a size such as 1g, 512m or 65536", Long.class) {
            @Override Object parse(String v) { return Sizes.parse(v); }
            @Override String text(Object value) { return Sizes.format((Long) value); }
        },
        DURATION("a duration such as 30s or 500ms", Duration.class) {
            @Override Object parse(String v) { return DurationConverter.parse(v); }
        },
        BOOLEAN("true or false", Boolean.class) {
            @Override Object parse(String v) {
                String b = v.strip().toLowerCase(Locale.ROOT);
                if (b.equals("true") || b.equals("false")) return Boolean.valueOf(b);
                throw new IllegalArgumentException("not a boolean");
            }
        },
        LOG_LEVEL("one of DEBUG, INFO, WARN or ERROR", Log.Level.class) {
            @Override Object parse(String v) { return Log.Level.valueOf(v.strip().toUpperCase(Locale.ROOT)); }
        },
        SYNC("normal or full", StoreOptions.Sync.class) {
            @Override Object parse(String v) { return StoreOptions.Sync.valueOf(v.strip().toUpperCase(Locale.ROOT)); }
            @Override String text(Object value) { return ((StoreOptions.Sync) value).name().toLowerCase(Locale.ROOT); }
        },
        LOG_FORMAT("TEXT or JSON", Log.Format.class) {
            @Override Object parse(String v) { return Log.Format.valueOf(v.strip().toUpperCase(Locale.ROOT)); }
        },
        /** Repeatable. */
        LIST("text", String.class) {
            @Override Object parse(String v) { return v; }
        },
        /** Repeatable, and each value may be a comma-separated list. */
        COMMA_LIST("text", String.class) {
            @Override Object parse(String v) { return v; }
        };

        /** What a value must be, completing "must be ...". */
        final String expected;
        /** The type of one value. */
        final Class<?> type;

        Kind(String expected, Class<?> type) {
            this.expected = expected;
            this.type = type;
        }

        /** The value {@code v} stands for; any runtime exception means it stands for none. */
        abstract Object parse(String v);

        /** The converter the command line uses: a wrong value is refused with {@link #expected}. */
        CommandLine.ITypeConverter<Object> converter() {
            return v -> {
                try {
                    return parse(v);
                } catch (RuntimeException e) {
                    throw new CommandLine.TypeConversionException(
                            this == DURATION ? "'" + v + "' is not a duration such as 500ms, 5s or 2m"
                                    : "'" + v + "' is not " + expected);
                }
            };
        }

        /** A value as the --help, the log and the docs show it. */
        String text(Object value) {
            if (value instanceof List<?> l) return l.stream().map(String::valueOf).collect(Collectors.joining(","));
            return value instanceof Duration d ? DurationConverter.format(d) : String.valueOf(value);
        }
    }

    /** The name: the long option without its dashes, the config file's key, and the environment's after PARLEY_. */
    final String name;
    final String label;
    final Kind kind;
    /** How to read this setting from the record, or null if it is none of ServerConfig's. */
    private final Function<ServerConfig, Object> get;
    private final BiConsumer<ServerConfig.Builder, Object> set;
    private final String help;
    /** Says what the default is when no single value is (the history follows the capacity, say); else null. */
    private final String defaultWords;
    /** For the docs' table: what happens when a limit is reached, or null. */
    private final String over;

    @SuppressWarnings("unchecked")
    <T> ServerOption(String name, String label, Kind kind, Function<ServerConfig, T> get,
                     BiConsumer<ServerConfig.Builder, Object> set, String help, String defaultWords, String over) {
        this.name = name;
        this.label = label;
        this.kind = kind;
        this.get = (Function<ServerConfig, Object>) get;
        this.set = set;
        this.help = help;
        this.defaultWords = defaultWords;
        this.over = over;
    }

    /** The admins as the command line gives them (a list) or a file or the environment does (comma-separated text). */
    private static void setAdmins(ServerConfig.Builder b, Object v) {
        List<?> given = v instanceof List<?> l ? l : Arrays.asList(String.valueOf(v).split(","));
        b.admins(given.stream().map(n -> String.valueOf(n).strip()).filter(n -> !n.isEmpty()).toList());
    }

    @SuppressWarnings("unchecked")
    private static <T> BiConsumer<ServerConfig.Builder, Object> set(BiConsumer<ServerConfig.Builder, T> setter) {
        return (b, v) -> setter.accept(b, (T) v);
    }

    /**
     * The rule the default follows where it depends on the machine, or null: the docs' table shows
     * it instead of one machine's value, and --help shows it beside the value in force.
     */
    String defaultRule() {
        return this == MAX_MEMORY ? MaxMemory.RULE : null;
    }

    /** The default as the command line takes it, or null if there is none (or no single one). */
    String defaultValue() {
        if (defaultWords != null) return null;
        if (get != null) {
            String text = kind.text(get.apply(ServerConfig.defaults()));
            return text.isEmpty() ? null : text; // an empty list: no default to show
        }
        return switch (this) {
            case ADDRESS -> ServerConfig.DEFAULT_HOST + ":" + ServerConfig.DEFAULT_PORT;
            case LOG_LEVEL -> Log.Level.INFO.name();
            case LOG_FORMAT -> Log.Format.TEXT.name();
            case DATA -> StoreOptions.DEFAULT_DIR;
            case SYNC -> "normal";
            case RETAIN_AGE -> DurationConverter.format(StoreOptions.DEFAULT_RETAIN_AGE);
            case RETAIN_MESSAGES -> Long.toString(StoreOptions.DEFAULT_RETAIN_MESSAGES);
            case RETAIN_BYTES -> Sizes.format(StoreOptions.DEFAULT_RETAIN_BYTES);
            case STORE_WRITER_NICE -> Integer.toString(StoreOptions.DEFAULT_WRITER_NICE);
            case REGISTRATION -> "open";
            case ACCOUNTS -> "optional";
            case JWT_LEEWAY -> DurationConverter.format(parley.accounts.JwtVerifier.DEFAULT_LEEWAY);
            default -> null;
        };
    }

    /** True for the settings that are {@link ServerConfig}'s. */
    boolean inConfig() {
        return get != null;
    }

    /** This setting's value in {@code c}, as the start-up log shows it. */
    Object logValue(ServerConfig c) {
        Object v = get.apply(c);
        if (this == POST_RATE && c.postRate() == 0) return "off";
        if (this == REQUEST_RATE && c.requestRate() == 0) return "off";
        if (this == DIRECT_RATE && c.directRate() == 0) return "off";
        if (kind == Kind.SIZE) return Sizes.format((Long) v);
        if (v instanceof List<?>) return kind.text(v);
        return v instanceof Duration d ? DurationConverter.format(d) : v;
    }

    /** Sets {@code value}, as read from the command line, on the builder. */
    void set(ServerConfig.Builder b, Object value) {
        set.accept(b, value);
    }

    /** "group-capacity must be a whole number, got 'abc'": a value of the wrong kind from a file or environment. */
    String wrongKind(String value) {
        return name + " must be " + kind.expected + ", got '" + value + "'";
    }

    static ServerOption named(String name) {
        for (ServerOption o : values()) {
            if (o.name.equals(name)) return o;
        }
        return null;
    }

    /** Adds every option to a command's spec: the command line is this table. */
    static void addTo(CommandSpec spec) {
        // --help and --version stay last in the help, after the settings, as they read best there.
        List<OptionSpec> standard = spec.options().stream().filter(o -> o.usageHelp() || o.versionHelp()).toList();
        standard.forEach(spec::remove);
        for (ServerOption o : values()) {
            String def = o.defaultValue();
            String description = o.help + (o.defaultRule() != null ? " (default: " + o.defaultRule()
                    + "; in force: ${DEFAULT-VALUE})" : def != null ? " (default: ${DEFAULT-VALUE})"
                    : o.defaultWords != null ? " (default: " + o.defaultWords + ")" : "");
            if (o == ADDRESS) {
                spec.addPositional(PositionalParamSpec.builder().index("0").arity("0..1").paramLabel(o.label)
                        .type(String.class).description(description).defaultValue(def).build());
                continue;
            }
            boolean list = o.kind == Kind.LIST || o.kind == Kind.COMMA_LIST;
            OptionSpec.Builder b = OptionSpec.builder("--" + o.name).paramLabel(o.label)
                    .arity(o.kind == Kind.BOOLEAN ? "0..1" : "1")
                    .description(description).defaultValue(def).converters(o.kind.converter());
            // A switch alone turns it on (--inline-send), or takes true or false (--inline-send=false).
            if (o.kind == Kind.BOOLEAN) b.fallbackValue("true");
            if (list) {
                b.type(List.class).auxiliaryTypes(String.class);
                if (o.kind == Kind.COMMA_LIST) b.splitRegex(",");
            } else {
                b.type(o.kind.type);
            }
            spec.addOption(b.build());
        }
        standard.forEach(spec::addOption);
    }

    /** This option's argument in {@code spec}. */
    ArgSpec in(CommandSpec spec) {
        return this == ADDRESS ? spec.positionalParameters().getFirst() : spec.findOption("--" + name);
    }

    /** The settings table of docs/operations.md, one row per option, as it must read there. */
    static String markdownTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| option | default | what it sets | over it |");
        rows.add("|---|---|---|---|");
        for (ServerOption o : values()) {
            String option = o == ADDRESS ? "`ADDRESS` (first argument)" : "`--" + o.name + "`";
            String def = o.defaultValue();
            String unit = switch (o.label) {
                case "BYTES" -> " bytes";
                case "CHARS" -> " characters";
                default -> "";
            };
            String shown = o.defaultRule() != null ? o.defaultRule() : def != null ? "`" + def + "`" + unit
                    : o.defaultWords != null ? o.defaultWords : "none";
            rows.add("| " + option + " | " + shown + " | " + o.help.replace("|", "\\|") + " | "
                    + (o.over == null ? "—" : o.over) + " |");
        }
        return rows.stream().collect(Collectors.joining("\n", "", "\n"));
    }

    /** The names, for messages and tests. */
    static List<String> names() {
        return Arrays.stream(values()).map(o -> o.name).toList();
    }
}
