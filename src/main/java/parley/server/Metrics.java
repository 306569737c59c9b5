package parley.server;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, as plain {@link LongAdder}s: no metrics library on the data path, and
 * nothing here knows how they are exposed (that is {@code parley.http.MetricsRoutes}). Gauges
 * (connections, groups, members, write backlog) are not kept here: {@link ChatServer} computes
 * them when asked, from the state itself, so they can never drift.
 *
 * <p>Hot-path costs: a post is one increment; a writer adds its deliveries and bytes once per
 * write batch, not per message per member. Everything else (errors, lag, closes) is rare.
 */
public final class Metrics {

    /** Why the server sent an Error; the label of {@code parley_errors_total}. */
    public enum ErrorKind {
        /** Undecodable or malformed request. */
        BAD_REQUEST,
        NO_SUCH_GROUP,
        NOT_MEMBER,
        BAD_NAME,
        NAME_TAKEN,
        BAD_GROUP_NAME,
        MAX_GROUP_NAME,
        MAX_GROUPS_PER_CONNECTION,
        MAX_MESSAGE,
        POST_RATE,
        /** A request other than Post over --request-rate. */
        REQUEST_RATE,
        MAX_LINE,
        MAX_CONNECTIONS,
        AUTH,
        /** A memory budget had no room for what the client sent (a WebSocket message, a post no ring could keep). */
        MEMORY,
        /** A line (a TCP line or a WebSocket message) left unfinished too long. */
        LINE_TIMEOUT,
        /** An Auth refused unread: its address failed too often lately (see AuthThrottle). */
        AUTH_THROTTLED,
        SHUTDOWN,
        /** Nothing received for the read-idle time. */
        READ_IDLE,
        /** Register, Login or Password refused (wrong password, registration closed, ...). */
        ACCOUNT,
        /** Hashing a password had to wait for a full pool: "server busy". */
        SIGN_IN_BUSY,
        /** A line had to grow while the partial-line budget was full. */
        LINE_BUDGET,
        /** A moderation request, Join or Post refused by a group's rules or a missing right (docs/moderation.md). */
        MODERATION;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a connection ended; the label of {@code parley_connections_closed_total}. */
    public enum CloseReason {
        /** The client ended its input or hung up. */
        CLIENT,
        /** A read or write failed. */
        ERROR,
        SHUTDOWN,
        MAX_CONNECTIONS,
        MAX_LINE,
        WRITE_DEADLINE,
        AUTH_FAILED,
        AUTH_TIMEOUT,
        /** The JWT the connection signed in with expired, and no fresh one came. */
        AUTH_EXPIRED,
        TLS_HANDSHAKE,
        /** A memory budget had no room for what the client sent. */
        MEMORY,
        /** A line (a WebSocket message) left unfinished too long. */
        LINE_TIMEOUT,
        /** Nothing received for the read-idle time. */
        READ_IDLE,
        LINE_BUDGET,
        /** A server admin suspended the connection's account. */
        SUSPENDED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder postsIn = new LongAdder();
    /** Posts whose id was seen within the dedup window: answered, not delivered again. */
    private final LongAdder postsResent = new LongAdder();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder lagNotices = new LongAdder();
    private final LongAdder messagesDropped = new LongAdder();
    private final LongAdder backlogPauses = new LongAdder();
    private final LongAdder acceptFailures = new LongAdder();
    private final LongAdder httpRestarts = new LongAdder();
    private final LongAdder[] errors = adders(ErrorKind.values().length);
    private final LongAdder[] closes = adders(CloseReason.values().length);
    private final LongAdder[] moderationActions = adders(parley.moderation.Kind.values().length);
    private final LongAdder suspensions = new LongAdder();
    private final LongAdder moderationRefusals = new LongAdder();

    /** A moderation change was made (and announced). */
    void moderationAction(parley.moderation.Kind kind) {
        moderationActions[kind.ordinal()].increment();
    }

    /** A moderation request, Join or Post was refused by a group's rules or a missing right. */
    void moderationRefused() {
        moderationRefusals.increment();
    }

    /** An account was suspended. */
    void suspended() {
        suspensions.increment();
    }

    /** Moderation changes made, of {@code kind}. */
    public long moderationActions(parley.moderation.Kind kind) {
        return moderationActions[kind.ordinal()].sum();
    }

    /** Requests, Joins and Posts refused by moderation. */
    public long moderationRefusals() {
        return moderationRefusals.sum();
    }

    /** Accounts suspended. */
    public long suspensions() {
        return suspensions.sum();
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) a[i] = new LongAdder();
        return a;
    }

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void posted() {
        postsIn.increment();
    }

    void resent() {
        postsResent.increment();
    }

    private final LongAdder presenceSent = new LongAdder();
    private final LongAdder presenceMissed = new LongAdder();

    void presented() {
        presenceSent.increment();
    }

    void presenceDropped() {
        presenceMissed.increment();
    }

    /** Joined and Left packets queued for members. */
    public long presenceSent() {
        return presenceSent.sum();
    }

    /** Joined and Left packets not queued: the member's backlog was over its limit. */
    public long presenceMissed() {
        return presenceMissed.sum();
    }

    void bytesIn(long n) {
        bytesIn.add(n);
    }

    /** One write batch: {@code messages} group messages among {@code bytes} bytes. */
    void wrote(int messages, int bytes) {
        writes.increment();
        if (messages > 0) deliveries.add(messages);
        bytesOut.add(bytes);
    }

    void lagged(long missed) {
        lagNotices.increment();
        messagesDropped.add(missed);
    }

    void backlogPaused() {
        backlogPauses.increment();
    }

    /** A listener's accept failed (out of descriptors, typically); the loop backs off and goes on. */
    public void acceptFailed() {
        acceptFailures.increment();
    }

    /** The HTTP listener was found dead and started again. */
    public void httpRestarted() {
        httpRestarts.increment();
    }

    /** Failed accepts on the chat listener. */
    public long acceptFailures() {
        return acceptFailures.sum();
    }

    /** Times the HTTP listener was started again after it died. */
    public long httpRestarts() {
        return httpRestarts.sum();
    }

    void countError(ErrorKind kind) {
        errors[kind.ordinal()].increment();
    }

    void countClose(CloseReason reason) {
        closes[reason.ordinal()].increment();
    }

    /** Connections ever opened, over every transport, including those refused at the limit. */
    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    /** Posts accepted and sent to a group. */
    public long postsResent() {
        return postsResent.sum();
    }

    public long postsIn() {
        return postsIn.sum();
    }

    /** Group messages written to members (each member's copy counts). */
    public long deliveries() {
        return deliveries.sum();
    }

    /** Write batches handed to transports; deliveries / writes shows how well writes coalesce. */
    public long writes() {
        return writes.sum();
    }

    /** Request bytes received (each line with its terminator). */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Bytes handed to transports. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /** {@code Dropped N messages} notices sent. */
    public long lagNotices() {
        return lagNotices.sum();
    }

    /** Messages lagging members missed, summed over those notices. */
    public long messagesDropped() {
        return messagesDropped.sum();
    }

    /** Times a connection's reading paused because its unread replies reached the backlog limit. */
    public long backlogPauses() {
        return backlogPauses.sum();
    }

    public long errors(ErrorKind kind) {
        return errors[kind.ordinal()].sum();
    }

    public long closed(CloseReason reason) {
        return closes[reason.ordinal()].sum();
    }
}
