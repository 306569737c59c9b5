package parley.server;

import java.util.function.Consumer;
import parley.broadcast.Broadcast;
import parley.protocol.Codec;
import parley.server.Metrics.ErrorKind;

/**
 * One session's posts: the limits a post must keep (its size, the post rate), then the way to the
 * group. On a single node the post goes straight into the group's ring here, and a quiet group's
 * members are woken as this reader's {@link PendingWakes} decides: written to on this thread at
 * once, or woken once the reader has read every line it has. A bus that shares groups with other
 * nodes publishes the post instead and delivers it back.
 *
 * <p>Reader thread only.
 */
final class Posting {
    private final Session session;
    /** The post rate limit's bucket (which starts full), or null without a limit. */
    private final PostRate postRate;
    /**
     * Wakes of quiet groups this session's posts hold back while more request lines are already
     * read; created by the first such post.
     */
    private PendingWakes pending;
    /** A cluster bus's late word on a post (from any thread), told like a server notice; made by the first post it may concern. */
    private Consumer<String> busErrors;

    /** Made by the session's first post: a connection that only listens holds none of this. */
    Posting(Session session) {
        this.session = session;
        ServerConfig config = session.config();
        this.postRate = config.postRate() > 0 ? new PostRate(config.postRate(), config.postBurst()) : null;
    }

    /**
     * Posts {@code message} as {@code from}; {@code moreLines} says another request line is
     * already read. A post that breaks a limit is not delivered, and the connection stays.
     * Returns an error for the client, or null.
     */
    String post(String group, String message, String from, boolean moreLines) {
        ServerConfig config = session.config();
        int max = config.maxMessageBytes();
        if (message.length() > max / 3) { // cheap test first: a char is at most 3 UTF-8 bytes
            long size = utf8Length(message);
            if (size > max) {
                return session.fail(ErrorKind.MAX_MESSAGE, "message too long: " + size + " bytes, the limit is " + max
                        + " bytes; it was not delivered to '" + group + "'");
            }
        }
        if (postRate != null && !postRate.tryTake(System.nanoTime())) {
            return session.fail(ErrorKind.POST_RATE, "posting too fast: at most " + config.postRate()
                    + (config.postRate() == 1 ? " post" : " posts") + " a second (bursts of "
                    + config.postBurst() + "); this post was not delivered to '" + group + "'");
        }
        GroupTable groups = session.groups();
        Group g = groups.get(group);
        GroupBus bus = groups.bus();
        if (bus.sharesGroups()) {
            if (busErrors == null) busErrors = text -> session.outbound().notice(Codec.encodeError(text));
            String error = bus.post(g, group, message, from, busErrors);
            if (error == null) session.metrics().posted();
            return error;
        }
        if (g == null) return session.noSuchGroup(group);
        Broadcast.Sent sent = g.post(message, from);
        if (sent == Broadcast.Sent.QUIET) {
            if (moreLines) pending().hold(g.channel());
            else PendingWakes.wakeNow(g.channel());
        } else if (sent == Broadcast.Sent.FULL) {
            return session.fail(ErrorKind.MEMORY, "server memory for group messages is full (the rings budget, "
                    + session.chat().budgets().rings().limit() + " bytes of --max-memory); this post was not delivered to '"
                    + group + "'");
        }
        session.metrics().posted();
        return null;
    }

    private PendingWakes pending() {
        PendingWakes p = pending;
        return p != null ? p : (pending = new PendingWakes());
    }

    /** Gives every held wake: before the reader waits for anything, and when its lines run out. */
    void flushWakes() {
        PendingWakes p = pending;
        if (p != null && !p.isEmpty()) p.flush();
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
}
