package parley.server;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import parley.Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parley server [ADDRESS]}: runs the chat server in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the chat server in the foreground. SIGTERM or Ctrl-C stops it cleanly (exit 0).")
public final class ServerCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS",
            description = "HOST:PORT or PORT to listen on (default: ${DEFAULT-VALUE})",
            defaultValue = ServerConfig.DEFAULT_HOST + ":" + ServerConfig.DEFAULT_PORT)
    String address;

    @Option(names = "--group-capacity", paramLabel = "N",
            description = "messages a group holds for its members; further behind, a member gets a Dropped notice "
                    + "(default: ${DEFAULT-VALUE})")
    int groupCapacity = ServerConfig.DEFAULT_GROUP_CAPACITY;

    @Option(names = "--max-line", paramLabel = "BYTES",
            description = "longest request line; a longer one gets an Error and the connection is closed "
                    + "(default: ${DEFAULT-VALUE})")
    int maxLine = ServerConfig.DEFAULT_MAX_LINE_BYTES;

    @Option(names = "--max-group-name", paramLabel = "CHARS",
            description = "longest group name (default: ${DEFAULT-VALUE})")
    int maxGroupName = ServerConfig.DEFAULT_MAX_GROUP_NAME_CHARS;

    @Option(names = "--max-groups-per-connection", paramLabel = "N",
            description = "groups one connection may belong to (default: ${DEFAULT-VALUE})")
    int maxGroups = ServerConfig.DEFAULT_MAX_GROUPS_PER_CONNECTION;

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

    @Option(names = "--close-flush-timeout", paramLabel = "DURATION",
            description = "time a closing connection gets to send what is queued, e.g. 5s, 500ms (default: 5s)",
            converter = DurationConverter.class)
    Duration closeFlush = ServerConfig.DEFAULT_CLOSE_FLUSH_TIMEOUT;

    @Option(names = "--history", paramLabel = "N",
            description = "messages each group retains for history (Join with history, Fetch); at least the group "
                    + "capacity (default: " + ServerConfig.DEFAULT_HISTORY_MESSAGES + ", or the capacity if larger)")
    Integer history;

    @Option(names = "--history-bytes", paramLabel = "BYTES",
            description = "bytes of history each group keeps beyond its last group-capacity messages "
                    + "(default: ${DEFAULT-VALUE})")
    long historyBytes = ServerConfig.DEFAULT_HISTORY_BYTES;

    @Option(names = "--max-name", paramLabel = "CHARS",
            description = "longest user name in Hello, at most 32 (default: ${DEFAULT-VALUE})")
    int maxName = ServerConfig.DEFAULT_MAX_NAME_CHARS;

    @Option(names = "--http", paramLabel = "ADDRESS",
            description = "HOST:PORT for the HTTP side (/health, /metrics, the web chat at / and /ws); 'off' disables it "
                    + "(default: 127.0.0.1 and the chat port + 1, or a free port if that one is taken)")
    String http;

    @Option(names = "--web-origin", paramLabel = "ORIGIN",
            description = "another origin whose pages may use the chat WebSocket, e.g. https://chat.example.org "
                    + "(repeatable; pages served by this server are always allowed)")
    java.util.List<String> webOrigins = new java.util.ArrayList<>();

    @Option(names = "--cluster", paramLabel = "NATS-URL", split = ",",
            description = "cluster mode: share groups with every Parley node on these NATS servers "
                    + "(nats://HOST:PORT, comma-separated or repeated; JetStream must be on); see docs/cluster.md")
    java.util.List<String> cluster;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "DEBUG, INFO, WARN or ERROR (default: ${DEFAULT-VALUE})")
    Log.Level logLevel = Log.Level.INFO;

    @Override
    public Integer call() throws Exception {
        Log.setLevel(logLevel);
        ServerConfig config;
        parley.web.OriginPolicy origins;
        try {
            origins = parley.web.OriginPolicy.of(webOrigins);
            config = new ServerConfig(Address.parse(address, ServerConfig.DEFAULT_HOST), groupCapacity, maxLine,
                    maxGroupName, maxGroups, readBuffer, writeBuffer, maxReplyBacklog, closeFlush,
                    ServerConfig.DEFAULT_WRITER_LINGER,
                    history != null ? history : Math.max(groupCapacity, ServerConfig.DEFAULT_HISTORY_MESSAGES),
                    historyBytes, maxName);
        } catch (IllegalArgumentException e) {
            System.err.println("parley server: " + e.getMessage());
            return 2;
        }
        GroupBus bus = GroupBus.LOCAL;
        if (cluster != null && !cluster.isEmpty()) {
            try {
                bus = parley.cluster.NatsBus.connect(cluster, config.historyMessages());
                Log.info("cluster mode: stream " + parley.cluster.NatsBus.STREAM + " on " + String.join(",", cluster));
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("parley server: cannot use the cluster bus at " + String.join(",", cluster) + ": "
                        + e.getMessage());
                return 1;
            }
        }
        ChatServer server;
        try {
            server = ChatServer.start(config, bus);
        } catch (java.io.IOException e) {
            bus.close();
            System.err.println("parley server: " + e.getMessage());
            return 1;
        }
        parley.http.HttpFrontend web = null;
        if (!"off".equalsIgnoreCase(http)) {
            try {
                web = startHttp(server, java.util.List.of(new parley.web.WsRoutes(server, origins)));
                Log.info("http listening on " + ServerConfig.DEFAULT_HOST + ":" + web.port());
            } catch (RuntimeException e) {
                System.err.println("parley server: cannot start the HTTP listener on " + http + ": " + e.getMessage());
                server.close();
                return 1;
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        Log.info("parley " + parley.Main.version() + " listening on " + hostPort(server.address())
                + " (group capacity " + config.groupCapacity() + ", max line " + config.maxLineBytes() + " bytes)");
        stop.await();
        Log.info("shutting down: " + server.connectionCount() + " connections");
        server.close();
        if (web != null) web.close();
        Log.info("stopped");
        return 0;
    }

    /** An explicit --http address must bind; the default tries the chat port + 1, then any free port. */
    private parley.http.HttpFrontend startHttp(ChatServer server, java.util.List<parley.http.HttpFrontend.Routes> features) {
        if (http != null) {
            return parley.http.HttpFrontend.start(Address.parse(http, ServerConfig.DEFAULT_HOST), server, features);
        }
        int chatPort = server.address().getPort();
        java.net.InetSocketAddress preferred = new java.net.InetSocketAddress(ServerConfig.DEFAULT_HOST,
                chatPort == 0 || chatPort == 65535 ? 0 : chatPort + 1);
        try {
            return parley.http.HttpFrontend.start(preferred, server, features);
        } catch (RuntimeException e) {
            Log.warn("http port " + preferred.getPort() + " is taken; using a free port");
            return parley.http.HttpFrontend.start(new java.net.InetSocketAddress(ServerConfig.DEFAULT_HOST, 0), server,
                    features);
        }
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
