package parley.server;

import java.time.Duration;
import java.util.function.LongSupplier;
import parley.log.Log;
import parley.options.DurationConverter;
import parley.protocol.Codec;
import parley.server.Metrics.CloseReason;
import parley.server.Metrics.ErrorKind;

/**
 * One client's conversation with the server, whatever carries it (TCP, TLS, WebSocket), and the
 * entry point its transport calls: request lines in ({@link #handle}), the end of input
 * ({@link #end}), and the ways a session is stopped. Replies and group messages go out through
 * the session's {@link Outbound}, the only writer of its transport.
 *
 * <p>The conversation itself is in parts with one job each: {@link Requests} decodes a line and
 * dispatches it, {@link Identity} is the client's name and authentication, {@link Memberships}
 * the groups it belongs to, {@link Lookups} the requests that read groups, and {@link Posting}
 * its posts and the wakes they hold. When the session ends, for whatever reason, it leaves every
 * group at once and gives up its name.
 *
 * <p>{@link #handle} and {@link #end} are called by one thread (the transport's reader).
 */
public final class Session {
    private final Chat server;
    private final Sink sink;
    /** The sink's unacknowledged bytes at housekeeping's last look at a blocked write, or -1. */
    private long lastUnacknowledged = -1;
    private final Runnable stopInput;
    private final Outbound outbound;
    private final String peer;
    private final Metrics metrics;
    private final long openedAt = System.nanoTime();
    /**
     * Lines received (wrapping is harmless): written by the reader alone, read by housekeeping,
     * which only asks whether it moved since its last sweep.
     */
    private int heard;
    /** Housekeeping's: the count at its last sweep, and since when it has not moved. */
    private int heardAtSweep;
    private long quietSince = openedAt;
    private final Identity identity;
    private final Memberships memberships = new Memberships();
    /** The request rate's bucket, made by the first request other than a post; null with no limit. Reader thread only. */
    private PostRate requestRate;
    /** Made by the first post, so that a connection that only listens holds none of it. Reader thread only. */
    private Posting posting;
    private volatile boolean closed;
    /** Set once the session is on its way out: later request lines are ignored. */
    private volatile boolean stopping;
    /** Why the session is ending, when the server decided it; first reason wins. */
    private volatile CloseReason closeReason;
    /** True once the session counts toward the connection limit; refused ones never do. */
    private volatile boolean admitted;
    /** When its transport's unfinished line began to wait (nanoTime), or 0; null if it has no lines. */
    private volatile LongSupplier unfinishedLine;

    /**
     * The longest line a connection may send before it has authenticated (with authentication
     * on): enough for an Auth request, so a connection that never authenticates holds no more
     * than this.
     */
    public static final int UNAUTHENTICATED_MAX_LINE = 4096;

    /**
     * @param sink      the transport's writing side
     * @param stopInput makes the transport's reader see end of input (used to stop the session)
     * @param peer      who is on the other end, for logs
     */
    Session(Chat server, Sink sink, Runnable stopInput, String peer) {
        this.server = server;
        this.sink = sink;
        this.stopInput = stopInput;
        this.metrics = server.metrics();
        this.outbound = new Outbound(sink, server.config(), metrics, this::abort, server.budgets().replies());
        this.peer = peer;
        this.identity = new Identity(this);
    }

    /** Asks the session to end because the server is shutting down. */
    void stop(String reason) {
        stopFor(CloseReason.SHUTDOWN, ErrorKind.SHUTDOWN, reason);
    }

    /**
     * Ends the session for a reason of the server's: the client gets {@code text} as an Error,
     * after everything already queued for it, then the transport stops reading and the session
     * ends as if the client had hung up. Never waits for the client, so housekeeping and the
     * shutdown sweep can call it.
     */
    void stopFor(CloseReason reason, ErrorKind kind, String text) {
        if (!markStopping(reason, kind, text)) return;
        // A reader waiting on this client's reply backlog must go back and see its input end.
        outbound.releaseReader();
        stopInput.run();
    }

    /**
     * As {@link #stopFor}, for a transport that ends its input itself (after an over-long line,
     * say, when it must drain what the client still sends so that the close is clean).
     */
    public void endFor(CloseReason reason, ErrorKind kind, String text) {
        markStopping(reason, kind, text);
    }

    private boolean markStopping(CloseReason reason, ErrorKind kind, String text) {
        if (closed || stopping) return false;
        stopping = true;
        if (closeReason == null) closeReason = reason;
        metrics.countError(kind);
        outbound.notice(Codec.encodeError(text));
        return true;
    }

    /** Waits (at most the close-flush timeout) until everything queued has been written. */
    public void flush() {
        flushWakes();
        try {
            outbound.finish(server.config().closeFlushTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void admit() {
        admitted = true;
    }

    /** Refuses a session over the connection limit; it never counted toward the limit. */
    void refuse(String text) {
        stopFor(CloseReason.MAX_CONNECTIONS, ErrorKind.MAX_CONNECTIONS, text);
    }

    boolean admitted() {
        return admitted;
    }

    /** True once the session is ending: its transport should stop feeding it lines. */
    public boolean isStopping() {
        return stopping || closed;
    }

    /**
     * Queues a packet line for the client. The reader may wait here for the client's backlog, so
     * held wakes go first.
     */
    public void reply(byte[] line) {
        flushWakes();
        outbound.reply(line);
    }

    /** Decodes one request line (without its terminator) and acts on it. */
    public void handle(byte[] buf, int off, int len) {
        handle(buf, off, len, false);
    }

    /**
     * The same, told whether another whole request line is already read: then the members of a
     * quiet group this line posts to are woken only once the lines run out (or enough posts are
     * held), so each gets everything posted meanwhile in one write (see {@link PendingWakes}).
     */
    public void handle(byte[] buf, int off, int len, boolean moreLines) {
        heard++;
        try {
            if (!stopping) Requests.handle(this, buf, off, len, moreLines);
        } finally {
            if (!moreLines) flushWakes();
        }
    }

    /** Gives the wakes this session's posts hold: before its reader waits for anything, and when its lines run out. */
    void flushWakes() {
        Posting p = posting;
        if (p != null) p.flushWakes();
    }

    /**
     * Takes a token of the request rate ({@link ServerConfig#requestRate}) for a request other than
     * a post; false means it is over the limit and must not be acted on. Reader thread only.
     */
    boolean takeRequest() {
        int rate = server.config().requestRate();
        if (rate == 0) return true;
        PostRate r = requestRate;
        if (r == null) requestRate = r = new PostRate(rate, (int) Math.min(Integer.MAX_VALUE, 2L * rate));
        return r.tryTake(System.nanoTime());
    }

    /** Counts an error of this kind and returns its text, for the request handlers' {@code return}. */
    String fail(ErrorKind kind, String text) {
        metrics.countError(kind);
        return text;
    }

    /** Who this session is to the moderation rules: its account, or its anonymous name (or none). */
    parley.moderation.Actor actor() {
        Accounts.Account a = identity.account();
        return server.moderation().actor(a != null ? a.name() : identity.name(), a != null);
    }

    /** The name of the account this session is signed in to, or null. */
    String accountName() {
        Accounts.Account a = identity.account();
        return a == null ? null : a.name();
    }

    /** A refusal by moderation (a group's rules or a missing right), counted. */
    String refuseByModeration(String text) {
        metrics.moderationRefused();
        return fail(ErrorKind.MODERATION, text);
    }

    /** The error for a group that does not exist, counted. */
    String noSuchGroup(String group) {
        return fail(ErrorKind.NO_SUCH_GROUP, "Group '" + group + "' does not exist");
    }

    /**
     * Input that is not a request (a blank line) still shows the client is there, for the read-idle
     * check. Reader thread only.
     */
    public void heard() {
        heard++;
    }

    /**
     * Housekeeping: closes a session that has sent no line for the read-idle time. The reader only
     * counts lines (no clock on the data path); each sweep notes when the count last moved, so the
     * time is kept within one sweep period. Housekeeping thread only.
     */
    void checkReadIdle(long now, long limitNanos) {
        int h = heard;
        if (h != heardAtSweep) {
            heardAtSweep = h;
            quietSince = now;
            return;
        }
        if (now - quietSince > limitNanos && !stopping) {
            Log.info("connection.read_idle", "peer", peer, "seconds", (now - quietSince) / 1_000_000_000L);
            stopFor(CloseReason.READ_IDLE, ErrorKind.READ_IDLE, "closing an idle connection: nothing received for "
                    + parley.options.DurationConverter.format(server.config().readIdle()));
        }
    }

    /** True while authentication is on and this session has not passed it yet. Reader thread. */
    public boolean awaitingAuth() {
        return identity.awaitingAuth();
    }

    /**
     * The transport says where to look for its unfinished line: {@code since} gives when it began
     * to wait for the rest of a line (a {@link System#nanoTime} value), or 0; any thread may ask.
     * Housekeeping closes the session when that is older than the line timeout.
     */
    public void watchUnfinishedLines(LongSupplier since) {
        unfinishedLine = since;
    }

    /**
     * Housekeeping: a line left unfinished for longer than the line timeout ends the session with
     * an Error. Works whether or not the connection has a reader thread (the idle set's too).
     */
    void checkLineTimeout(long now) {
        LongSupplier u = unfinishedLine;
        if (u == null || stopping || closed) return;
        long since = u.getAsLong();
        Duration timeout = server.config().lineTimeout();
        if (since != 0 && now - since > timeout.toNanos()) {
            stopFor(CloseReason.LINE_TIMEOUT, ErrorKind.LINE_TIMEOUT,
                    "line not finished within " + DurationConverter.format(timeout) + "; closing the connection");
        }
    }

    /** Housekeeping: ends a session whose sign-in token (JWT) has expired; {@code nowMillis} is wall-clock time. */
    void checkTokenExpiry(long nowMillis) {
        identity.checkTokenExpiry(nowMillis);
    }

    /** Housekeeping: ends a session that has not authenticated within the auth timeout. */
    void checkAuthTimeout(long now) {
        identity.checkAuthTimeout(now, openedAt);
    }

    /**
     * Housekeeping: closes a session whose transport has taken nothing for the write deadline.
     * No Error can reach such a client; the close frees its writer, buffer and slot. A blocked
     * write whose socket the client is still draining, however slowly, is not stuck: the kernel
     * may wake the writer only once half its large send buffer is free, so the unacknowledged
     * bytes are sampled on each pass as well. Housekeeping thread only.
     */
    void checkWriteDeadline(long now) {
        long blocked = outbound.blockedFor(now);
        if (blocked == 0) {
            lastUnacknowledged = -1;
            return;
        }
        long unacked = sink.unacknowledged();
        if (unacked >= 0 && lastUnacknowledged >= 0 && unacked < lastUnacknowledged) {
            outbound.progressed(now);
            blocked = 0;
        }
        lastUnacknowledged = unacked;
        if (blocked > server.config().writeDeadline().toNanos() && !closed) {
            if (closeReason == null) closeReason = CloseReason.WRITE_DEADLINE;
            Log.info("connection.write_deadline", "peer", peer, "blocked_ms", blocked / 1_000_000);
            abort();
        }
    }

    /**
     * Ends the session: if {@code graceful}, first sends what is queued (bounded by the
     * close-flush timeout); then leaves every group, gives up the name and closes the transport.
     */
    public void end(boolean graceful) {
        boolean flushed = false;
        flushWakes();
        try {
            if (graceful) {
                flushed = outbound.finish(server.config().closeFlushTimeout());
                if (!flushed) Log.debug("connection.flush_timeout", "peer", peer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            memberships.leaveAll(this);
            identity.release();
            if (flushed && !closed) sink.sendClose();
            abort();
            CloseReason reason = closeReason != null ? closeReason : graceful ? CloseReason.CLIENT : CloseReason.ERROR;
            server.closed(this, reason);
            Log.log(switch (reason) {
                case CLIENT, ERROR, SHUTDOWN, MAX_CONNECTIONS, TLS_HANDSHAKE -> Log.Level.DEBUG;
                default -> Log.Level.INFO;
            }, "connection.closed", null, "peer", peer, "reason", reason.label(),
                    "user", identity.user() == null ? "-" : identity.user(), "seconds", (System.nanoTime() - openedAt) / 1_000_000_000L);
        }
    }

    /** Records why the session is ending, if no reason was recorded before (first one wins). */
    public void closingFor(CloseReason reason) {
        if (closeReason == null) closeReason = reason;
    }

    /** Closes the transport at once; safe from any thread, any number of times. */
    public void abort() {
        closed = true;
        outbound.close();
        sink.close();
    }

    /** The name given in Hello or by the Auth token, or null; read by other sessions listing members. */
    String name() {
        return identity.name();
    }

    Metrics metrics() {
        return metrics;
    }

    Chat chat() {
        return server;
    }

    ServerConfig config() {
        return server.config();
    }

    GroupTable groups() {
        return server.groups();
    }

    Identity identity() {
        return identity;
    }

    Memberships memberships() {
        return memberships;
    }

    /** This session's posting part, made by its first post. Reader thread only. */
    Posting posting() {
        Posting p = posting;
        return p != null ? p : (posting = new Posting(this));
    }

    Outbound outbound() {
        return outbound;
    }

    String peer() {
        return peer;
    }
}
