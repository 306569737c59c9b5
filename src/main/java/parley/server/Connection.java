package parley.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.LineReader;
import parley.protocol.LineTooLongException;
import parley.protocol.ProtocolException;

/**
 * One client connection, served by its own virtual thread: read a line, decode it, act on it
 * (the seed's {@code serve} loop). Replies and group messages go out through the connection's
 * {@link Outbound}, which is the only writer of the socket.
 *
 * <p>A bad line gets an Error naming the problem and the connection carries on; only a line over
 * the length limit ends it, because the stream cannot be re-synchronised without buffering it.
 * When the connection ends, for whatever reason, it leaves every group at once.
 */
final class Connection implements Runnable {
    private final ChatServer server;
    private final SocketChannel socket;
    private final ServerConfig config;
    private final GroupTable groups;
    private final Outbound outbound;
    private final String peer;
    /** Groups joined, by name; touched only by this connection's reader thread. */
    private final Map<String, Outbound.Sub> memberships = new HashMap<>();
    private volatile boolean closed;

    Connection(ChatServer server, SocketChannel socket, BufferPool pool) {
        this.server = server;
        this.socket = socket;
        this.config = server.config();
        this.groups = server.groups();
        this.outbound = new Outbound(socket, pool, config, this::abort);
        this.peer = peerOf(socket);
    }

    @Override
    public void run() {
        boolean graceful = true;
        try {
            LineReader lines = new LineReader(socket, config.readBufferBytes(), config.maxLineBytes());
            while (lines.next()) {
                if (!lines.lineIsBlank()) {
                    handle(lines.array(), lines.lineStart(), lines.lineLength());
                }
            }
        } catch (LineTooLongException e) {
            outbound.reply(Codec.encodeError("line too long: the limit is " + e.limit()
                    + " bytes; closing the connection"));
            Log.info(peer + " closed: line over " + e.limit() + " bytes");
        } catch (ClosedChannelException e) {
            graceful = false; // closed by us: shutdown, or the writer found the socket dead
        } catch (IOException e) {
            graceful = false;
            Log.debug(peer + " read failed: " + e);
        } catch (RuntimeException | Error e) {
            graceful = false;
            Log.error(peer + " connection failed", e);
        } finally {
            end(graceful);
        }
    }

    /** Asks the connection to end: it tells the client why, sends what is queued, and closes. */
    void stop(String reason) {
        if (closed) return;
        outbound.reply(Codec.encodeError(reason));
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            abort();
        }
    }

    private void handle(byte[] buf, int off, int len) {
        String error;
        try {
            error = switch (Codec.decodeRequest(buf, off, len)) {
                case FromClient.Join j -> join(j.groupName());
                case FromClient.Post p -> post(p.groupName(), p.message());
            };
        } catch (ProtocolException e) {
            error = e.getMessage();
        }
        if (error != null) {
            outbound.reply(Codec.encodeError(error));
        }
    }

    /** Returns an error for the client, or null. Joining a group twice changes nothing. */
    private String join(String name) {
        String bad = checkGroupName(name);
        if (bad != null) return bad;
        if (memberships.containsKey(name)) return null;
        if (memberships.size() >= config.maxGroupsPerConnection()) {
            return "Cannot join '" + name + "': a connection may belong to at most "
                    + config.maxGroupsPerConnection() + " groups";
        }
        Outbound.Sub sub = new Outbound.Sub(groups.join(name, outbound));
        memberships.put(name, sub);
        outbound.add(sub);
        return null;
    }

    private String post(String name, String message) {
        Group group = groups.get(name);
        if (group == null) return "Group '" + name + "' does not exist";
        group.post(message);
        return null;
    }

    private String checkGroupName(String name) {
        if (name.isEmpty()) return "group name must not be empty";
        if (name.codePointCount(0, name.length()) > config.maxGroupNameChars()) {
            return "group name longer than " + config.maxGroupNameChars() + " characters";
        }
        return null;
    }

    private void end(boolean graceful) {
        try {
            if (graceful && !outbound.finish(config.closeFlushTimeout())) {
                Log.debug(peer + " did not take its last output in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Outbound.Sub sub : memberships.values()) {
                outbound.remove(sub);
                groups.leave(sub.membership);
            }
            memberships.clear();
            abort();
            server.closed(this);
        }
    }

    /** Closes the socket at once; safe from any thread, any number of times. */
    private void abort() {
        closed = true;
        outbound.close();
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with a socket that will not close
        }
    }

    Outbound outbound() {
        return outbound;
    }

    String peer() {
        return peer;
    }

    private static String peerOf(SocketChannel s) {
        try {
            SocketAddress a = s.getRemoteAddress();
            return a == null ? "?" : a.toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
