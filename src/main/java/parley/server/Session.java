package parley.server;

import parley.auth.AuthTokens;
import parley.log.Log;
import parley.options.DurationConverter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import parley.broadcast.Entry;
import parley.broadcast.HeldWakes;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;
import parley.server.Metrics.CloseReason;
import parley.server.Metrics.ErrorKind;

/**
 * One client's conversation with the server, whatever carries it (TCP, TLS, WebSocket): decode a
 * request line and act on it (the body of the seed's {@code serve} loop). Replies and group
 * messages go out through the session's {@link Outbound}, the only writer of its transport.
 *
 * <p>A bad line gets an Error naming the problem and the session carries on. When the session
 * ends, for whatever reason, it leaves every group at once and gives up its name.
 *
 * <p>With authentication on, the first request must be an Auth with a known token; anything else
 * gets an Error and ends the session. The token's user name is then the session's name: it is the
 * {@code from} of its posts, and Hello may only repeat it.
 *
 * <p>{@link #handle} and {@link #end} are called by one thread (the transport's reader).
 */
public final class Session {
    private final Chat server;
    private final Sink sink;
    /** The sink's unacknowledged bytes at housekeeping's last look at a blocked write, or -1. */
    private long lastUnacknowledged = -1;
    private final Runnable stopInput;
    private final ServerConfig config;
    private final GroupTable groups;
    private final Outbound outbound;
    private final String peer;
    private final Metrics metrics;
    private final AuthTokens auth;
    private final PostRate postRate;
    private final long openedAt = System.nanoTime();
    /** Groups joined, by name; touched only by the reader thread. */
    private final Map<String, Outbound.Sub> memberships = new HashMap<>();
    /**
     * Wakes of quiet groups this session's posts hold back while more request lines are already
     * read (see {@link HeldWakes}); created by the first such post. Reader thread only, and
     * released before that thread waits for anything.
     */
    private HeldWakes held;
    private volatile boolean closed;
    /** Set once the session is on its way out: later request lines are ignored. */
    private volatile boolean stopping;
    /** The name given in Hello or by the Auth token, or null; read by other sessions listing members. */
    private volatile String name;
    /** The user the Auth token named, or null (not yet, or authentication is off). */
    private volatile String user;
    /** Why the session is ending, when the server decided it; first reason wins. */
    private volatile CloseReason closeReason;
    /** True once the session counts toward the connection limit; refused ones never do. */
    private volatile boolean admitted;

    /**
     * @param sink      the transport's writing side
     * @param stopInput makes the transport's reader see end of input (used to stop the session)
     * @param peer      who is on the other end, for logs
     */
    Session(Chat server, Sink sink, Runnable stopInput, String peer) {
        this.server = server;
        this.sink = sink;
        this.stopInput = stopInput;
        this.config = server.config();
        this.groups = server.groups();
        this.metrics = server.metrics();
        this.auth = server.auth();
        this.outbound = new Outbound(sink, config, metrics, this::abort);
        this.peer = peer;
        this.postRate = config.postRate() > 0 ? new PostRate(config.postRate(), config.postBurst()) : null;
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
        releaseHeldWakes();
        try {
            outbound.finish(config.closeFlushTimeout());
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
        releaseHeldWakes();
        outbound.reply(line);
    }

    /** Decodes one request line (without its terminator) and acts on it. */
    public void handle(byte[] buf, int off, int len) {
        handle(buf, off, len, false);
    }

    /**
     * The same, told whether another whole request line is already read: then the members of a
     * quiet group this line posts to are woken only once the lines run out (or enough posts are
     * held), so each gets everything posted meanwhile in one write (see {@link HeldWakes}).
     */
    public void handle(byte[] buf, int off, int len, boolean moreLines) {
        try {
            handleLine(buf, off, len, moreLines);
        } finally {
            if (!moreLines) releaseHeldWakes();
        }
    }

    private void releaseHeldWakes() {
        if (held != null && !held.isEmpty()) held.release();
    }

    private void handleLine(byte[] buf, int off, int len, boolean moreLines) {
        if (stopping) return;
        metrics.bytesIn(len + 1L);
        FromClient request;
        try {
            request = Codec.decodeRequest(buf, off, len);
        } catch (ProtocolException e) {
            if (awaitingAuth()) {
                refuseAuth("no token");
            } else {
                reply(Codec.encodeError(fail(ErrorKind.BAD_REQUEST, e.getMessage())));
            }
            return;
        }
        if (awaitingAuth()) {
            authenticate(request);
            return;
        }
        if (!(request instanceof FromClient.Post)) releaseHeldWakes(); // a Join, say, may wait
        String error = switch (request) {
            case FromClient.Join j -> join(j.groupName(), j.history());
            case FromClient.Post p -> post(p.groupName(), p.message(), moreLines);
            case FromClient.Hello h -> hello(h.name());
            case FromClient.Leave l -> leave(l.groupName());
            case FromClient.ListGroups l -> list();
            case FromClient.Members m -> members(m.groupName());
            case FromClient.Fetch f -> fetch(f.groupName(), f.after().orElse(-1), f.limit());
            case FromClient.Auth a -> auth == null ? null : fail(ErrorKind.AUTH, "already authenticated as '" + user + "'");
        };
        if (error != null) {
            reply(Codec.encodeError(error));
        }
    }

    /** Counts an error of this kind and returns its text, for the handlers' {@code return}. */
    private String fail(ErrorKind kind, String text) {
        metrics.countError(kind);
        return text;
    }

    // ------------------------------------------------------------------ authentication

    /** True while authentication is on and this session has not yet passed it. */
    boolean awaitingAuth() {
        return auth != null && user == null;
    }

    /** The session's first request, with authentication on. The token is never logged. */
    private void authenticate(FromClient request) {
        if (!(request instanceof FromClient.Auth a)) {
            refuseAuth("no token");
            return;
        }
        String u = auth.userFor(a.token());
        if (u == null) {
            refuseAuth("unknown token");
            return;
        }
        user = u;
        name = u;
        Log.debug("auth.ok", "peer", peer, "user", u);
    }

    private void refuseAuth(String why) {
        Log.info("auth.failed", "peer", peer, "reason", why);
        stopFor(CloseReason.AUTH_FAILED, ErrorKind.AUTH, why.equals("no token")
                ? "authentication required: the first request must be {\"Auth\":{\"token\":\"...\"}}; closing the connection"
                : "authentication failed; closing the connection");
    }

    /** Housekeeping: ends a session that has not authenticated within the auth timeout. */
    void checkAuthTimeout(long now) {
        if (awaitingAuth() && !stopping && now - openedAt > config.authTimeout().toNanos()) {
            Log.info("auth.failed", "peer", peer, "reason", "timeout");
            stopFor(CloseReason.AUTH_TIMEOUT, ErrorKind.AUTH, "authentication timed out: send {\"Auth\":{\"token\":\"...\"}} within "
                    + DurationConverter.format(config.authTimeout()) + " of connecting; closing the connection");
        }
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
        if (blocked > config.writeDeadline().toNanos() && !closed) {
            if (closeReason == null) closeReason = CloseReason.WRITE_DEADLINE;
            Log.info("connection.write_deadline", "peer", peer, "blocked_ms", blocked / 1_000_000);
            abort();
        }
    }

    // Each handler returns an error for the client, or null.

    /** Joining a group twice changes nothing. */
    private String join(String group, long history) {
        String bad = checkGroupName(group);
        if (bad != null) return bad;
        if (memberships.containsKey(group)) return null;
        if (memberships.size() >= config.maxGroupsPerConnection()) {
            return fail(ErrorKind.MAX_GROUPS_PER_CONNECTION, "Cannot join '" + group
                    + "': a connection may belong to at most " + config.maxGroupsPerConnection() + " groups");
        }
        Outbound.Sub sub = new Outbound.Sub(groups.join(group, this, outbound, history));
        memberships.put(group, sub);
        outbound.add(sub);
        return null;
    }

    /**
     * A post that breaks a limit is not delivered, and the connection stays. Otherwise it goes
     * through the group bus: straight into the ring on a single server, published in a cluster.
     */
    private String post(String group, String message, boolean moreLines) {
        int max = config.maxMessageBytes();
        if (message.length() > max / 3) { // cheap test first: a char is at most 3 UTF-8 bytes
            long size = utf8Length(message);
            if (size > max) {
                return fail(ErrorKind.MAX_MESSAGE, "message too long: " + size + " bytes, the limit is " + max
                        + " bytes; it was not delivered to '" + group + "'");
            }
        }
        if (postRate != null && !postRate.tryTake(System.nanoTime())) {
            return fail(ErrorKind.POST_RATE, "posting too fast: at most " + config.postRate()
                    + (config.postRate() == 1 ? " post" : " posts") + " a second (bursts of "
                    + config.postBurst() + "); this post was not delivered to '" + group + "'");
        }
        Group g = groups.get(group);
        if (g == null && groups.bus() == GroupBus.LOCAL) return doesNotExist(group);
        HeldWakes hold = null;
        if (moreLines) hold = held != null ? held : (held = new HeldWakes());
        String error = groups.bus().post(g, group, message, name, hold, busErrors);
        if (error == null) metrics.posted();
        return error;
    }

    /** A cluster bus's late word on a post (from any thread): told like a server notice. */
    private final java.util.function.Consumer<String> busErrors = this::busError;

    private void busError(String text) {
        outbound.notice(Codec.encodeError(text));
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isSurrogate(c)) n += 2; // a pair is 4 bytes; the decoder refuses lone ones
            else n += 3;
        }
        return n;
    }

    private String hello(String wanted) {
        String bad = checkUserName(wanted);
        if (bad != null) return bad;
        if (user != null) {
            // Authenticated: the token decided the name; Hello only opts into the extended protocol.
            if (!wanted.equals(user)) {
                return fail(ErrorKind.BAD_NAME, "signed in as '" + user + "': Hello must use that name");
            }
            outbound.useExtendedProtocol();
            reply(Codec.encode(new FromServer.Welcome(user, "parley " + Version.current())));
            return null;
        }
        if (!wanted.equals(name)) {
            if (!server.claimName(wanted, this)) return fail(ErrorKind.NAME_TAKEN, "name '" + wanted + "' is taken");
            server.releaseName(name, this);
            name = wanted;
        }
        outbound.useExtendedProtocol();
        reply(Codec.encode(new FromServer.Welcome(wanted, "parley " + Version.current())));
        return null;
    }

    /** Delivery from the group stops at once: the writer stops reading its ring before this returns. */
    private String leave(String group) {
        Outbound.Sub sub = memberships.remove(group);
        if (sub == null) return fail(ErrorKind.NOT_MEMBER, "not a member of '" + group + "'");
        outbound.remove(sub);
        groups.leave(sub.membership, this);
        return null;
    }

    private String list() {
        List<FromServer.GroupInfo> all = new ArrayList<>();
        for (Group g : groups.all()) {
            all.add(new FromServer.GroupInfo(g.name(), g.members()));
        }
        all.sort(Comparator.comparing(FromServer.GroupInfo::name));
        reply(Codec.encode(new FromServer.Groups(all)));
        return null;
    }

    private String members(String group) {
        Group g = groups.get(group);
        if (g == null) return doesNotExist(group);
        reply(Codec.encode(new FromServer.Members(group, g.memberNames())));
        return null;
    }

    /** {@code after} is a wire seq (first message is 1), or -1 for the newest {@code limit}. */
    private String fetch(String group, long after, long limit) {
        Group g = groups.get(group);
        if (limit < 1) {
            return g == null && groups.bus() == GroupBus.LOCAL
                    ? doesNotExist(group) : fail(ErrorKind.BAD_REQUEST, "limit must be at least 1");
        }
        boolean ext = outbound.extended();
        List<FromServer.Message> held;
        try {
            held = groups.bus().fetch(g, group, after, Math.min(limit, config.historyMessages()));
        } catch (GroupBus.Refused e) {
            return e.getMessage();
        }
        if (held != null) {
            for (FromServer.Message m : held) {
                reply(ext ? Codec.encode(m) : Codec.encodeMessage(m.groupName(), m.message()));
            }
            return null;
        }
        if (g == null) return doesNotExist(group);
        for (Entry<Posted> e : g.history(after, Math.min(limit, config.historyMessages()))) {
            reply(ext ? e.value().extendedLine(e.seq()) : e.value().line());
        }
        return null;
    }

    private String doesNotExist(String group) {
        return fail(ErrorKind.NO_SUCH_GROUP, "Group '" + group + "' does not exist");
    }

    private String checkUserName(String n) {
        int max = config.maxNameChars();
        if (n.isEmpty() || n.length() > max || !n.chars().allMatch(Session::nameChar)) {
            return fail(ErrorKind.BAD_NAME, "invalid name '" + n + "': use 1 to " + max
                    + " of the characters A-Z a-z 0-9 _ - .");
        }
        return null;
    }

    private static boolean nameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.';
    }

    private String checkGroupName(String name) {
        if (name.isEmpty()) return fail(ErrorKind.BAD_GROUP_NAME, "group name must not be empty");
        if (name.codePointCount(0, name.length()) > config.maxGroupNameChars()) {
            return fail(ErrorKind.MAX_GROUP_NAME, "group name longer than " + config.maxGroupNameChars() + " characters");
        }
        return null;
    }

    /**
     * Ends the session: if {@code graceful}, first sends what is queued (bounded by the
     * close-flush timeout); then leaves every group, gives up the name and closes the transport.
     */
    public void end(boolean graceful) {
        boolean flushed = false;
        releaseHeldWakes();
        try {
            if (graceful) {
                flushed = outbound.finish(config.closeFlushTimeout());
                if (!flushed) Log.debug("connection.flush_timeout", "peer", peer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Outbound.Sub sub : memberships.values()) {
                outbound.remove(sub);
                groups.leave(sub.membership, this);
            }
            memberships.clear();
            server.releaseName(name, this);
            if (flushed && !closed) sink.sendClose();
            abort();
            CloseReason reason = closeReason != null ? closeReason : graceful ? CloseReason.CLIENT : CloseReason.ERROR;
            server.closed(this, reason);
            Log.log(switch (reason) {
                case CLIENT, ERROR, SHUTDOWN, MAX_CONNECTIONS, TLS_HANDSHAKE -> Log.Level.DEBUG;
                default -> Log.Level.INFO;
            }, "connection.closed", null, "peer", peer, "reason", reason.label(),
                    "user", user == null ? "-" : user, "seconds", (System.nanoTime() - openedAt) / 1_000_000_000L);
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

    String name() {
        return name;
    }

    Outbound outbound() {
        return outbound;
    }

    String peer() {
        return peer;
    }
}
