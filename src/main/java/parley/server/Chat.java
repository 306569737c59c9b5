package parley.server;

import parley.auth.AuthTokens;
import parley.budget.Budgets;
import parley.log.Log;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import parley.protocol.Codec;
import parley.server.Metrics.CloseReason;

/**
 * The chat itself, whatever the transports: the sessions and their names, admission against the
 * connection limit, the group table, the counters, the housekeeping sweep and the orderly stop.
 * A transport (the TCP listener in {@code parley.net}, the WebSocket gateway in {@code parley.web})
 * opens a session here for each client and feeds it request lines; the session writes back
 * through the transport's {@link Sink}.
 *
 * <p>Housekeeping is one thread, one sweep over the sessions at most once a second: idle writers
 * retire, a write blocked past the write deadline closes its session, groups empty for longer than
 * the group linger go, a connection whose line is unfinished after the line timeout and one that
 * has not authenticated in time are told so and closed, and so is one that has sent nothing for
 * the read-idle time, when that is set.
 */
public final class Chat implements AutoCloseable {
    private final ServerConfig config;
    private final GroupTable groups;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Session> names = new ConcurrentHashMap<>();
    private final Metrics metrics = new Metrics();
    /** Sessions counted toward the connection limit (refused ones are not). */
    private final AtomicInteger admitted = new AtomicInteger();
    private final AuthTokens auth;
    /** Wrong Auth tokens per client address (used only with authentication on). */
    private final AuthThrottle authThrottle = new AuthThrottle();
    /** How clients may sign in to accounts (Register, Login, JWTs). */
    private final SignIn signIn;
    /** Failed password sign-ins per address and per name. */
    private final SignInThrottle signInThrottle = new SignInThrottle();
    /** Direct messages between accounts: where they are kept and who is online to get them. */
    private final Directs directs;
    /** Group roles, modes, bans and the like, and the server's admins and suspended accounts (docs/moderation.md). */
    private final parley.moderation.Moderation moderation;
    /** What clients may make the server hold, each a share of the configured maximum memory. */
    private final Budgets budgets;
    private volatile boolean stopping;
    /** The connection limit in force: the configured one, or lower where the open-files limit is. */
    private volatile int maxConnections;
    /**
     * Works the limit in force out again (the transport's: the open-files limit may have been
     * raised since the start, as the bench does); asked only when a session would be refused.
     */
    private volatile java.util.function.IntSupplier refit;

    private Chat(ServerConfig config, GroupBus bus, Store store, AuthTokens auth, SignIn signIn) {
        this.config = config;
        this.signIn = signIn;
        this.budgets = Budgets.of(config.maxMemoryBytes());
        this.groups = new GroupTable(config, bus, store, budgets.rings());
        this.auth = auth;
        this.maxConnections = config.maxConnections();
        this.directs = new Directs(directStore(store, config), config.directRate());
        parley.moderation.ModerationRecords records = store.moderation();
        if (records == null) records = new parley.moderation.MemoryModerationRecords();
        this.moderation = new parley.moderation.Moderation(records, System::currentTimeMillis,
                Set.copyOf(config.admins()), config.groupsNeedOwner());
    }

    /** Group moderation and the server's admins (docs/moderation.md). */
    public parley.moderation.Moderation moderation() {
        return moderation;
    }

    /** The open sessions, over every transport; weakly consistent. */
    Iterable<Session> sessions() {
        return sessions;
    }

    /** The store's direct messages, or memory's (with {@code --data none}, or a store that keeps none). */
    private static DirectStore directStore(Store store, ServerConfig config) {
        DirectStore d = store.directs();
        if (d != null) return d;
        if (store.persistent()) Log.info("directs.in_memory", "why", "the store keeps no direct messages");
        return new MemoryDirectStore(config.historyMessages());
    }

    /**
     * Starts the chat: the bus delivers into the group table and housekeeping runs.
     *
     * @param bus  how posts reach the group rings: {@link GroupBus#LOCAL}, or a cluster bus, which
     *             the chat closes when it stops
     * @param auth makes every session authenticate first, over every transport; null for none
     */
    public static Chat start(ServerConfig config, GroupBus bus, AuthTokens auth) {
        return start(config, bus, Store.NONE, auth);
    }

    /** As {@link #start(ServerConfig, GroupBus, AuthTokens)}, keeping messages in {@code store}, which the chat closes when it stops. */
    public static Chat start(ServerConfig config, GroupBus bus, Store store, AuthTokens auth) {
        return start(config, bus, store, auth, SignIn.NONE);
    }

    /** As {@link #start(ServerConfig, GroupBus, Store, AuthTokens)}, with accounts and JWT sign-in as {@code signIn} says. */
    public static Chat start(ServerConfig config, GroupBus bus, Store store, AuthTokens auth, SignIn signIn) {
        Chat chat = new Chat(config, bus, store, auth, signIn);
        bus.start(chat.groups, chat::noticeAll);
        Thread.ofVirtual().name("parley-housekeeping").start(chat::housekeeping);
        return chat;
    }

    public ServerConfig config() {
        return config;
    }

    public GroupTable groups() {
        return groups;
    }

    /** The memory budgets every buffer a client can grow draws from. */
    public Budgets budgets() {
        return budgets;
    }

    /** The server's counters. */
    public Metrics metrics() {
        return metrics;
    }

    /** The tokens sessions must authenticate with, or null when authentication is off. */
    AuthTokens auth() {
        return auth;
    }

    /** Whether every session must authenticate before anything else. */
    public boolean requiresAuth() {
        return auth != null;
    }

    AuthThrottle authThrottle() {
        return authThrottle;
    }

    /** How clients may sign in to accounts. */
    public SignIn signIn() {
        return signIn;
    }

    SignInThrottle signInThrottle() {
        return signInThrottle;
    }

    Directs directs() {
        return directs;
    }

    /**
     * Lets the transport work out the connection limit again when a session would be refused
     * (never above the configured one): the open-files limit it was fitted to may have been raised.
     */
    public void refitConnectionLimit(java.util.function.IntSupplier limit) {
        this.refit = limit;
    }

    /** The connection limit in force. */
    public int maxConnections() {
        return maxConnections;
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

    /**
     * Retires idle writers, enforces the write deadline, the line timeout, the auth timeout and the read-idle time. The period is a
     * quarter of the shortest of these (so each is enforced within 25%), between 50 ms and 1 s.
     */
    private void housekeeping() {
        long shortest = Math.min(Math.min(config.writerLinger().toMillis(), config.lineTimeout().toMillis()),
                Math.min(config.writeDeadline().toMillis(), config.authTimeout().toMillis()));
        long readIdle = config.readIdle().toNanos();
        if (readIdle > 0) shortest = Math.min(shortest, config.readIdle().toMillis());
        long period = Math.max(50, Math.min(1000, shortest / 4));
        try {
            while (!stopping) {
                Thread.sleep(period);
                long now = System.nanoTime();
                long wallClock = System.currentTimeMillis(); // a JWT's exp is wall-clock time
                for (Session s : sessions) {
                    s.outbound().retireIfIdle(now);
                    s.checkWriteDeadline(now);
                    s.checkLineTimeout(now);
                    if (auth != null) s.checkAuthTimeout(now);
                    s.checkTokenExpiry(wallClock);
                    if (readIdle > 0) s.checkReadIdle(now, readIdle);
                }
                groups.expire(now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        Session s = newSession(sink, stopInput, peer);
        opened(s);
        return s;
    }

    /**
     * A session not yet registered, for a transport that must finish setting itself up before the
     * session may be stopped (which calls {@code stopInput}); it then calls {@link #opened}.
     */
    public Session newSession(Sink sink, Runnable stopInput, String peer) {
        return new Session(this, sink, stopInput, peer);
    }

    /**
     * Registers a session of any transport. A server already stopping tells it so at once; one
     * over the connection limit gets an Error and is closed (as soon as its transport reads on).
     */
    public void opened(Session session) {
        metrics.connectionOpened();
        sessions.add(session);
        if (stopping) {
            session.stop("server shutting down");
            return;
        }
        if (admitted.incrementAndGet() > maxConnections && !roomAfterRefit()) {
            admitted.decrementAndGet();
            int max = maxConnections;
            Log.debug("connection.refused", "peer", session.peer(), "limit", max);
            session.refuse("server full: at most " + max + (max == 1 ? " connection" : " connections")
                    + "; closing the connection");
        } else {
            session.admit();
        }
    }

    /** At the limit: asks the transport for it again; true if the session just counted now fits. */
    private boolean roomAfterRefit() {
        java.util.function.IntSupplier r = refit;
        if (r == null) return false;
        int now = r.getAsInt();
        if (now != maxConnections) {
            Log.info("connections.limit", "max_connections", now, "was", maxConnections);
            maxConnections = now;
        }
        return admitted.get() <= now;
    }

    /** Tells every session something as an Error packet, without waiting for any. */
    void noticeAll(String text) {
        byte[] line = Codec.encodeError(text);
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

    /** Whether another connection holds {@code name} as its anonymous name. */
    boolean nameHeldByOther(String name, Session c) {
        Session holder = names.get(name);
        return holder != null && holder != c;
    }

    void releaseName(String name, Session c) {
        if (name != null) names.remove(name, c);
    }

    /**
     * Tells every client the server is shutting down, lets each connection send what it has
     * queued (bounded by the close-flush timeout), and closes them. Transports stop accepting
     * first: a session opened after this is told at once and closed.
     */
    @Override
    public void close() {
        if (stopping) return;
        stopping = true;
        for (Session s : sessions) {
            s.stop("server shutting down");
        }
        long deadline = System.nanoTime() + config.closeFlushTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        try {
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
        groups.store().close(); // after every session has ended: nothing more is appended
    }

    public boolean isStopping() {
        return stopping;
    }
}
