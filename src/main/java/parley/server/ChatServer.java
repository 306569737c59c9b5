package parley.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import parley.server.Metrics.CloseReason;

/**
 * The accept loop (the seed's {@code main}): bind, accept, and give each connection a virtual
 * thread of its own. A failure in one connection is logged with its peer and never touches the
 * others.
 *
 * <p>Also the server's housekeeping (one thread, one sweep over the sessions at most once a
 * second): idle writers retire, a write blocked past the write deadline closes its session, groups
 * empty for longer than the group linger go, and a connection that has not authenticated in time
 * is told so and closed.
 */
public final class ChatServer implements AutoCloseable {
    private final ServerConfig config;
    private final GroupTable groups;
    private final ServerSocketChannel listener;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Session> names = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Metrics metrics = new Metrics();
    /** Sessions counted toward the connection limit (refused ones are not). */
    private final AtomicInteger admitted = new AtomicInteger();
    private final SSLContext tls;
    private final AuthTokens auth;
    /** Where plain connections with nothing to read wait without a thread; null where unavailable. */
    private final IdleReaders idleReaders = IdleReaders.start();
    private volatile boolean stopping;

    private ChatServer(ServerConfig config, ServerSocketChannel listener, GroupBus bus, SSLContext tls,
                       AuthTokens auth) {
        this.config = config;
        this.listener = listener;
        this.groups = new GroupTable(config, bus);
        this.tls = tls;
        this.auth = auth;
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
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(config.address(), 4096);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + config.address() + ": " + e.getMessage(), e);
        }
        ChatServer server = new ChatServer(config, ch, bus, tls, auth);
        bus.start(server.groups, server::noticeAll);
        Thread.ofVirtual().name("parley-accept").start(server::acceptLoop);
        Thread.ofVirtual().name("parley-housekeeping").start(server::housekeeping);
        return server;
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            return config.address();
        }
    }

    public ServerConfig config() {
        return config;
    }

    public GroupTable groups() {
        return groups;
    }

    /** The server's counters. */
    public Metrics metrics() {
        return metrics;
    }

    /** The tokens sessions must authenticate with, or null when authentication is off. */
    AuthTokens auth() {
        return auth;
    }

    public boolean tlsEnabled() {
        return tls != null;
    }

    /** Sessions open now, over every transport, not counting any being refused at the limit. */
    public int connectionCount() {
        return admitted.get();
    }

    /** Group memberships now, over all groups. */
    public long memberCount() {
        long n = 0;
        for (Group g : groups.all()) n += g.members();
        return n;
    }

    /** Bytes queued for clients and not yet handed to their transports. */
    public long writeBacklogBytes() {
        long n = 0;
        for (Session s : sessions) n += s.outbound().backlogBytes();
        return n;
    }

    /** Group messages waiting to be written to members, each membership counted up to the group capacity. */
    public long writeBacklogMessages() {
        long n = 0;
        for (Session s : sessions) n += s.outbound().backlogMessages();
        return n;
    }

    private void acceptLoop() {
        try {
            while (!stopping) {
                SocketChannel s;
                try {
                    s = listener.accept();
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    // Typically out of file descriptors: back off briefly rather than spin.
                    Log.warn("accept.failed", "error", e.getMessage());
                    Thread.sleep(50);
                    continue;
                }
                serve(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Retires idle writers, enforces the write deadline and the auth timeout. The period is a
     * quarter of the shortest of these (so each is enforced within 25%), between 50 ms and 1 s.
     */
    private void housekeeping() {
        long shortest = Math.min(config.writerLinger().toMillis(),
                Math.min(config.writeDeadline().toMillis(), config.authTimeout().toMillis()));
        long period = Math.max(50, Math.min(1000, shortest / 4));
        try {
            while (!stopping) {
                Thread.sleep(period);
                long now = System.nanoTime();
                for (Session s : sessions) {
                    s.outbound().retireIfIdle(now);
                    s.checkWriteDeadline(now);
                    if (auth != null) s.checkAuthTimeout(now);
                }
                groups.expire(now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(SocketChannel s) {
        try {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection c = new Connection(this, s, tls);
            opened(c.session());
            Thread.ofVirtual().start(c);
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
     * Opens a session for a client arriving over another transport (a WebSocket, say). The
     * transport feeds request lines to {@link Session#handle} from one thread and calls
     * {@link Session#end} when its input ends; the session writes through {@code sink}.
     *
     * @param stopInput makes the transport's reader finish, used when the server stops the session
     */
    public Session openSession(Sink sink, Runnable stopInput, String peer) {
        Session s = new Session(this, sink, stopInput, peer);
        opened(s);
        return s;
    }

    /**
     * Registers a session of any transport. A server already stopping tells it so at once; one
     * over the connection limit gets an Error and is closed (as soon as its transport reads on).
     */
    void opened(Session session) {
        metrics.connectionOpened();
        sessions.add(session);
        if (stopping) {
            session.stop("server shutting down");
            return;
        }
        if (admitted.incrementAndGet() > config.maxConnections()) {
            admitted.decrementAndGet();
            Log.debug("connection.refused", "peer", session.peer(), "limit", config.maxConnections());
            int max = config.maxConnections();
            session.refuse("server full: at most " + max + (max == 1 ? " connection" : " connections")
                    + "; closing the connection");
        } else {
            session.admit();
        }
    }

    /** Tells every session something as an Error packet, without waiting for any. */
    void noticeAll(String text) {
        byte[] line = parley.protocol.Codec.encodeError(text);
        for (Session s : sessions) {
            s.outbound().notice(line);
        }
    }

    void closed(Session session, CloseReason reason) {
        if (sessions.remove(session)) {
            if (session.admitted()) admitted.decrementAndGet();
            metrics.countClose(reason);
        }
    }

    /** Claims a user name for a connection; false if another connection holds it. */
    boolean claimName(String name, Session c) {
        return names.putIfAbsent(name, c) == null || names.get(name) == c;
    }

    void releaseName(String name, Session c) {
        if (name != null) names.remove(name, c);
    }

    /**
     * Stops accepting, tells every client the server is shutting down, lets each connection send
     * what it has queued (bounded by the close-flush timeout), and closes them.
     */
    @Override
    public void close() {
        if (stopping) return;
        stopping = true;
        try {
            listener.close();
        } catch (IOException e) {
            Log.warn("listener.close_failed", "error", e.getMessage());
        }
        for (Session s : sessions) {
            s.stop("server shutting down");
        }
        long deadline = System.nanoTime() + config.closeFlushTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        try {
            stopped.await(1, TimeUnit.SECONDS);
            while (!sessions.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Whatever could not finish in time (a client that never reads) is cut off now.
        for (Session s : sessions) {
            s.abort();
        }
        groups.close();
        groups.bus().close();
        if (idleReaders != null) idleReaders.close();
    }

    IdleReaders idleReaders() {
        return idleReaders;
    }

    /** Connections waiting for input without a reader thread (see {@link IdleReaders}). */
    public int idleConnectionCount() {
        return idleReaders == null ? 0 : idleReaders.size();
    }

    public boolean isStopping() {
        return stopping;
    }
}
