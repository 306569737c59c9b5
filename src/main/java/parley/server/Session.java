package parley.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import parley.Main;
import parley.broadcast.Entry;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;

/**
 * One client's conversation with the server, whatever carries it (TCP, TLS, WebSocket): decode a
 * request line and act on it (the body of the seed's {@code serve} loop). Replies and group
 * messages go out through the session's {@link Outbound}, the only writer of its transport.
 *
 * <p>A bad line gets an Error naming the problem and the session carries on. When the session
 * ends, for whatever reason, it leaves every group at once and gives up its name.
 *
 * <p>{@link #handle} and {@link #end} are called by one thread (the transport's reader).
 */
public final class Session {
    private final ChatServer server;
    private final Sink sink;
    private final Runnable stopInput;
    private final ServerConfig config;
    private final GroupTable groups;
    private final Outbound outbound;
    private final String peer;
    /** Groups joined, by name; touched only by the reader thread. */
    private final Map<String, Outbound.Sub> memberships = new HashMap<>();
    private volatile boolean closed;
    /** The name given in Hello, or null; read by other sessions listing members. */
    private volatile String name;

    /**
     * @param sink      the transport's writing side
     * @param stopInput makes the transport's reader see end of input (used to stop the session)
     * @param peer      who is on the other end, for logs
     */
    Session(ChatServer server, Sink sink, Runnable stopInput, String peer) {
        this.server = server;
        this.sink = sink;
        this.stopInput = stopInput;
        this.config = server.config();
        this.groups = server.groups();
        this.outbound = new Outbound(sink, config, this::abort);
        this.peer = peer;
    }

    /**
     * Asks the session to end, from any thread, without waiting: the client is told why after
     * what is already queued for it, and its transport stops reading (it handles no more requests).
     */
    void stop(String reason) {
        if (closed) return;
        outbound.notice(Codec.encodeError(reason));
        outbound.releaseReader();
        stopInput.run();
    }

    /** Waits (at most the close-flush timeout) until everything queued has been written. */
    void flush() {
        try {
            outbound.finish(config.closeFlushTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues a packet line for the client. */
    public void reply(byte[] line) {
        outbound.reply(line);
    }

    /** Decodes one request line (without its terminator) and acts on it. */
    public void handle(byte[] buf, int off, int len) {
        String error;
        try {
            error = switch (Codec.decodeRequest(buf, off, len)) {
                case FromClient.Join j -> join(j.groupName(), j.history());
                case FromClient.Post p -> post(p.groupName(), p.message());
                case FromClient.Hello h -> hello(h.name());
                case FromClient.Leave l -> leave(l.groupName());
                case FromClient.ListGroups l -> list();
                case FromClient.Members m -> members(m.groupName());
                case FromClient.Fetch f -> fetch(f.groupName(), f.after().orElse(-1), f.limit());
            };
        } catch (ProtocolException e) {
            error = e.getMessage();
        }
        if (error != null) {
            outbound.reply(Codec.encodeError(error));
        }
    }

    // Each handler returns an error for the client, or null.

    /** Joining a group twice changes nothing. */
    private String join(String group, long history) {
        String bad = checkGroupName(group);
        if (bad != null) return bad;
        if (memberships.containsKey(group)) return null;
        if (memberships.size() >= config.maxGroupsPerConnection()) {
            return "Cannot join '" + group + "': a connection may belong to at most "
                    + config.maxGroupsPerConnection() + " groups";
        }
        Outbound.Sub sub = new Outbound.Sub(groups.join(group, this, outbound, history));
        memberships.put(group, sub);
        outbound.add(sub);
        return null;
    }

    /** Through the group bus: straight into the ring on a single server, published in a cluster. */
    private String post(String group, String message) {
        return groups.bus().post(groups.get(group), group, message, name, busErrors);
    }

    /** A cluster bus's late word on a post (from any thread): told like a server notice. */
    private final java.util.function.Consumer<String> busErrors = this::busError;

    private void busError(String text) {
        outbound.notice(Codec.encodeError(text));
    }

    private String hello(String wanted) {
        String bad = checkUserName(wanted);
        if (bad != null) return bad;
        if (!wanted.equals(name)) {
            if (!server.claimName(wanted, this)) return "name '" + wanted + "' is taken";
            server.releaseName(name, this);
            name = wanted;
        }
        outbound.useExtendedProtocol();
        outbound.reply(Codec.encode(new FromServer.Welcome(wanted, "parley " + Main.version())));
        return null;
    }

    /** Delivery from the group stops at once: the writer stops reading its ring before this returns. */
    private String leave(String group) {
        Outbound.Sub sub = memberships.remove(group);
        if (sub == null) return "not a member of '" + group + "'";
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
        outbound.reply(Codec.encode(new FromServer.Groups(all)));
        return null;
    }

    private String members(String group) {
        Group g = groups.get(group);
        if (g == null) return doesNotExist(group);
        outbound.reply(Codec.encode(new FromServer.Members(group, g.memberNames())));
        return null;
    }

    /** {@code after} is a wire seq (first message is 1), or -1 for the newest {@code limit}. */
    private String fetch(String group, long after, long limit) {
        Group g = groups.get(group);
        if (limit < 1) {
            return g == null && groups.bus() == GroupBus.LOCAL ? doesNotExist(group) : "limit must be at least 1";
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
                outbound.reply(ext ? Codec.encode(m) : Codec.encodeMessage(m.groupName(), m.message()));
            }
            return null;
        }
        if (g == null) return doesNotExist(group);
        for (Entry<Posted> e : g.history(after, Math.min(limit, config.historyMessages()))) {
            outbound.reply(ext ? e.value().extendedLine(e.seq()) : e.value().line());
        }
        return null;
    }

    private static String doesNotExist(String group) {
        return "Group '" + group + "' does not exist";
    }

    private String checkUserName(String n) {
        int max = config.maxNameChars();
        if (n.isEmpty() || n.length() > max || !n.chars().allMatch(Session::nameChar)) {
            return "invalid name '" + n + "': use 1 to " + max + " of the characters A-Z a-z 0-9 _ - .";
        }
        return null;
    }

    private static boolean nameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.';
    }

    private String checkGroupName(String name) {
        if (name.isEmpty()) return "group name must not be empty";
        if (name.codePointCount(0, name.length()) > config.maxGroupNameChars()) {
            return "group name longer than " + config.maxGroupNameChars() + " characters";
        }
        return null;
    }

    /**
     * Ends the session: if {@code graceful}, first sends what is queued (bounded by the
     * close-flush timeout); then leaves every group, gives up the name and closes the transport.
     */
    public void end(boolean graceful) {
        try {
            if (graceful && !outbound.finish(config.closeFlushTimeout())) {
                Log.debug(peer + " did not take its last output in time");
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
            abort();
            server.closed(this);
        }
    }

    /** Closes the transport at once; safe from any thread, any number of times. */
    void abort() {
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
