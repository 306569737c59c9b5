package parley.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import parley.auth.AuthTokens;
import jdk.net.ExtendedSocketOptions;
import parley.log.Log;
import parley.protocol.Codec;
import parley.server.Chat;
import parley.server.GroupBus;
import parley.server.SignIn;
import parley.server.Store;
import parley.server.GroupTable;
import parley.server.Metrics;
import parley.server.ServerConfig;

/**
 * A chat served over TCP (the seed's {@code main}): the {@link Chat} plus a listener that binds,
 * accepts, and gives each connection a virtual thread of its own. A failure in one connection is
 * logged with its peer and never touches the others. Other transports (the WebSocket gateway)
 * open their sessions on {@link #chat()}.
 */
public final class ChatServer implements AutoCloseable {
    private final Chat chat;
    private final ServerSocketChannel listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final SSLContext tls;
    /**
     * Where plain connections with nothing to read wait without a thread; null where unavailable,
     * or when the idle-readers setting is off.
     */
    private final IdleReaders idleReaders;
    /**
     * A descriptor held aside (/dev/null) for the moment the process has none left: the accept
     * loop closes it to accept one waiting client, tells it the server is full and closes it, then
     * takes the descriptor back. Accept loop only; null while spent.
     */
    private FileChannel reserve;
    /** The accept loop's backoff after a failed accept, and its rate-limited warning. */
    private long backoffMs;
    private long lastAcceptWarning;
    private long failuresSinceWarning;

    /**
     * Descriptors the process needs besides its connections: the JVM's own (jars, logs), the
     * listeners, the epoll set and its eventfd, the reserve, a cluster client.
     */
    static final int SPARE_DESCRIPTORS = 256;
    /** Descriptors a chat connection may hold: its socket and the duplicate inline sends write to. */
    static final int DESCRIPTORS_PER_CONNECTION = 2;
    /** The longest the accept loop sleeps after a failed accept. */
    static final long MAX_BACKOFF_MS = 1000;
    /** At most one accept-failure warning in this many milliseconds; the others are counted in it. */
    static final long WARNING_EVERY_MS = 10_000;
    /** TCP keep-alive on client sockets: first probe after this long quiet, then every interval, up to count. */
    static final int KEEPALIVE_IDLE_SECONDS = 60;
    static final int KEEPALIVE_INTERVAL_SECONDS = 10;
    static final int KEEPALIVE_COUNT = 6;

    private ChatServer(Chat chat, ServerSocketChannel listener, SSLContext tls) {
        this.chat = chat;
        this.listener = listener;
        this.tls = tls;
        this.idleReaders = chat.config().idleReaders() ? IdleReaders.start() : null;
        this.reserve = openReserve();
    }

    private static FileChannel openReserve() {
        try {
            return FileChannel.open(Path.of("/dev/null"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Binds and starts accepting plain TCP without authentication; returns once the server is listening. */
    public static ChatServer start(ServerConfig config) throws IOException {
        return start(config, GroupBus.LOCAL, null, null);
    }

    /**
     * As {@link #start(ServerConfig)}, with posts going through {@code bus} (a cluster bus, say);
     * the server closes the bus when it stops.
     */
    public static ChatServer start(ServerConfig config, GroupBus bus) throws IOException {
        return start(config, bus, null, null);
    }

    /** As {@link #start(ServerConfig, GroupBus, SSLContext, AuthTokens)} on a single server. */
    public static ChatServer start(ServerConfig config, SSLContext tls, AuthTokens auth) throws IOException {
        return start(config, GroupBus.LOCAL, tls, auth);
    }

    /**
     * Binds and starts accepting; returns once the server is listening.
     *
     * @param bus  how posts reach the group rings: {@link GroupBus#LOCAL}, or a cluster bus
     * @param tls  makes the listener speak TLS only; null for plain TCP
     * @param auth makes every session authenticate first, over every transport; null for none
     */
    public static ChatServer start(ServerConfig config, GroupBus bus, SSLContext tls, AuthTokens auth)
            throws IOException {
        return start(config, bus, Store.NONE, tls, auth);
    }

    /**
     * As {@link #start(ServerConfig, GroupBus, SSLContext, AuthTokens)}, keeping messages in
     * {@code store} (which the server closes when it stops). Accounts are kept in memory and
     * registration is open, as {@code --data none} has them; JWTs are off.
     */
    public static ChatServer start(ServerConfig config, GroupBus bus, Store store, SSLContext tls, AuthTokens auth)
            throws IOException {
        return start(config, bus, store, tls, auth,
                new SignIn(parley.accounts.AccountBook.inMemory(), null, true, false));
    }

    /** As {@link #start(ServerConfig, GroupBus, Store, SSLContext, AuthTokens)}, with accounts and JWTs as {@code signIn} says. */
    public static ChatServer start(ServerConfig config, GroupBus bus, Store store, SSLContext tls, AuthTokens auth,
                                   SignIn signIn) throws IOException {
        ServerConfig given = config;
        config = fitDescriptors(config, Linux.openFilesLimit());
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(config.address(), 4096);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + config.address() + ": " + e.getMessage(), e);
        }
        ChatServer server = new ChatServer(Chat.start(config, bus, store, auth, signIn), ch, tls);
        if (config.maxConnections() < given.maxConnections()) {
            int httpInForce = config.maxHttpConnections();
            server.chat.refitConnectionLimit(() -> connectionsThatFit(given.maxConnections(), httpInForce,
                    Linux.openFilesLimit()));
        }
        Thread.ofVirtual().name("parley-accept").start(server::acceptLoop);
        return server;
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            return chat.config().address();
        }
    }

    /** The chat this listener serves, for other transports and for the HTTP side. */
    public Chat chat() {
        return chat;
    }

    public ServerConfig config() {
        return chat.config();
    }

    public GroupTable groups() {
        return chat.groups();
    }

    /** The server's counters. */
    public Metrics metrics() {
        return chat.metrics();
    }

    public boolean tlsEnabled() {
        return tls != null;
    }

    /** Sessions open now, over every transport, not counting any being refused at the limit. */
    public int connectionCount() {
        return chat.connectionCount();
    }

    public boolean isStopping() {
        return chat.isStopping();
    }

    /** Connections waiting for input without a reader thread (see {@link IdleReaders}). */
    public int idleConnectionCount() {
        return idleReaders == null ? 0 : idleReaders.size();
    }

    /** The idle set, or null where there is none (tests look into it). */
    IdleReaders idleReaders() {
        return idleReaders;
    }

    /**
     * Reconciles the connection limits with the process's open-files limit ({@code soft, hard}, or
     * null where it cannot be read): each chat connection may hold {@value #DESCRIPTORS_PER_CONNECTION}
     * descriptors, each HTTP connection one, and the process needs {@value #SPARE_DESCRIPTORS} more.
     * If they do not fit, the soft limit is raised toward the hard one; if they still do not fit,
     * the limits are lowered to what does, and a warning says so. Returns the settings in force.
     */
    static ServerConfig fitDescriptors(ServerConfig config, long[] limit) {
        if (limit == null) return config;
        long soft = limit[0];
        long hard = limit[1];
        int maxConnections = config.maxConnections();
        int maxHttp = config.maxHttpConnections();
        long needed = (long) DESCRIPTORS_PER_CONNECTION * maxConnections + maxHttp + SPARE_DESCRIPTORS;
        if (needed <= soft) return config;
        long raised = Math.min(hard, needed);
        if (raised > soft && Linux.setOpenFilesLimit(raised, hard)) {
            Log.info("descriptors.raised", "open_files_limit", raised, "was", soft, "needed", needed);
            soft = raised;
        }
        if (needed <= soft) return config;
        long available = Math.max(0, soft - SPARE_DESCRIPTORS);
        int http = (int) Math.max(1, Math.min(maxHttp, available / 4));
        int chat = (int) Math.max(1, Math.min(maxConnections, (available - http) / DESCRIPTORS_PER_CONNECTION));
        Log.warn("descriptors.limited", "open_files_limit", soft, "hard_limit", hard == Long.MAX_VALUE ? "unlimited" : hard,
                "needed", needed, "max_connections", chat, "max_connections_given", maxConnections,
                "max_http_connections", http, "max_http_connections_given", maxHttp,
                "hint", "raise the open-files limit (ulimit -n) to serve more");
        return config.toBuilder().maxConnections(chat).maxHttpConnections(http).build();
    }

    /**
     * The chat connections that fit the open-files limit now ({@code soft, hard}; null: unknown),
     * beside {@code http} HTTP connections, up to {@code max}: asked again at the limit, since
     * the soft limit may have been raised while the server ran ({@code prlimit}, as the bench does).
     */
    static int connectionsThatFit(int max, int http, long[] limit) {
        if (limit == null) return max;
        long available = limit[0] - SPARE_DESCRIPTORS - http;
        return (int) Math.max(1, Math.min(max, available / DESCRIPTORS_PER_CONNECTION));
    }

    private void acceptLoop() {
        try {
            while (!chat.isStopping()) {
                SocketChannel s;
                try {
                    s = listener.accept();
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    if (acceptFailed(e)) continue;
                    break;
                }
                backoffMs = 0;
                serve(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /**
     * A failed accept, typically out of descriptors ({@code EMFILE}): the client waiting for it is
     * told the server is full with the reserve descriptor, or, with none to spare, the loop backs
     * off (doubling from 1 ms to {@value #MAX_BACKOFF_MS} ms) and tries again; it never stops while
     * the server runs. Returns false when the listener is closed.
     */
    private boolean acceptFailed(IOException e) throws InterruptedException {
        if (!listener.isOpen() || chat.isStopping()) return false;
        chat.metrics().acceptFailed();
        failuresSinceWarning++;
        long now = System.currentTimeMillis();
        if (now - lastAcceptWarning >= WARNING_EVERY_MS) {
            Log.warn("accept.failed", "error", e.getMessage(), "failures", failuresSinceWarning,
                    "connections", chat.connectionCount());
            lastAcceptWarning = now;
            failuresSinceWarning = 0;
        }
        if (refuseWithReserve()) return true;
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(1, backoffMs * 2));
        Thread.sleep(backoffMs);
        return true;
    }

    /**
     * Spends the reserve descriptor on the client the failed accept left waiting: if a descriptor
     * is free again once it is accepted, the client is served as usual; otherwise it is told
     * {@code server full} and closed. Then the reserve is taken back. False if there was no reserve.
     */
    private boolean refuseWithReserve() {
        if (reserve == null) {
            reserve = openReserve();
            return false;
        }
        try {
            reserve.close();
        } catch (IOException ignored) {
            // it is gone either way
        }
        reserve = null;
        SocketChannel s;
        try {
            s = listener.accept();
        } catch (IOException e) {
            reserve = openReserve();
            return false;
        }
        reserve = openReserve();
        if (reserve != null) {
            serve(s); // a descriptor came free meanwhile: this client may stay
            return true;
        }
        int max = chat.maxConnections();
        String text = "server full: at most " + max + (max == 1 ? " connection" : " connections")
                + "; closing the connection";
        try (s) {
            s.configureBlocking(false);
            s.write(ByteBuffer.wrap(Codec.encodeError(text)));
            s.shutdownOutput();
        } catch (IOException ignored) {
            // the client is gone already
        }
        Log.debug("connection.refused", "reason", "descriptors", "limit", max);
        reserve = openReserve();
        return true;
    }

    private void serve(SocketChannel s) {
        try {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            keepAlive(s);
            Connection c = new Connection(chat, s, tls, idleReaders);
            chat.opened(c.session());
            Thread.ofVirtual().name(Connection.READER_THREAD).start(c);
        } catch (IOException | RuntimeException e) {
            Log.warn("connection.setup_failed", "error", e.toString());
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /**
     * TCP keep-alive, so that a client that vanished without a FIN or a reset (a pulled cable, a
     * host gone) is noticed: the first probe after {@value #KEEPALIVE_IDLE_SECONDS} s of silence,
     * then every {@value #KEEPALIVE_INTERVAL_SECONDS} s, the connection ending after
     * {@value #KEEPALIVE_COUNT} unanswered ones (where the JDK can set these; the system's defaults
     * otherwise, two hours on Linux).
     */
    static void keepAlive(SocketChannel s) throws IOException {
        s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        var supported = s.supportedOptions();
        if (supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
        }
        if (supported.contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)) {
            s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, KEEPALIVE_INTERVAL_SECONDS);
        }
        if (supported.contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
            s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_COUNT);
        }
    }

    /**
     * Stops accepting, then stops the chat (every client is told and gets what was queued for it,
     * bounded by the close-flush timeout), then the idle set.
     */
    @Override
    public void close() {
        if (chat.isStopping()) return;
        try {
            listener.close();
        } catch (IOException e) {
            Log.warn("listener.close_failed", "error", e.getMessage());
        }
        try {
            stopped.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        chat.close();
        if (idleReaders != null) idleReaders.close();
        FileChannel r = reserve;
        if (r != null) {
            try {
                r.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }
}
