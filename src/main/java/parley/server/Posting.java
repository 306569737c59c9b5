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
        return post(group, message, from, null, moreLines);
    }

    /**
     * As {@link #post(String, String, String, boolean)}, for a post that may carry the client's
     * {@code id} (null if not): the author then hears {@code Posted} once the post is durable, and
     * a resend of the id within the dedup window is answered the same way without landing again.
     */
    String post(String group, String message, String from, String id, boolean moreLines) {
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
        parley.moderation.Moderation moderation = session.chat().moderation();
        if (moderation.known(group)) { // a group without rules costs the post path one lookup
            String refused = moderation.postRefusal(group, session.actor(), session.memberships().has(group));
            if (refused != null) return session.refuseByModeration(refused);
        }
        GroupTable groups = session.groups();
        GroupBus bus = groups.bus();
        if (bus.sharesGroups()) return postToBus(groups.get(group), group, message, from, id);
        Group g = groups.find(group);
        if (g == null) return session.noSuchGroup(group);
        PostIds.Claim claim = null;
        if (id != null) {
            PostIds.Claim fresh = new PostIds.Claim(System.currentTimeMillis());
            claim = g.ids().claim(id, fresh);
            if (claim != null && claim != fresh) {
                answerResend(g, id, claim);
                return null;
            }
        }
        long ts = System.currentTimeMillis();
        long numbered = g.postNumbered(message, from, ts);
        if (Broadcast.sent(numbered) == Broadcast.Sent.REFUSED && (g = groups.find(group)) != null) {
            // The group left memory between the lookup and the send (a store keeps it): once more, loaded again.
            if (claim != null) g.ids().claim(id, claim);
            numbered = g.postNumbered(message, from, ts);
        }
        if (g == null) return session.noSuchGroup(group);
        Broadcast.Sent sent = Broadcast.sent(numbered);
        if (sent == Broadcast.Sent.QUIET) {
            if (moreLines) pending().hold(g.channel());
            else PendingWakes.wakeNow(g.channel());
        } else if (sent == Broadcast.Sent.FULL || sent == Broadcast.Sent.REFUSED) {
            if (claim != null) g.ids().release(id, claim);
            if (sent == Broadcast.Sent.REFUSED) return session.noSuchGroup(group); // gone from the table meanwhile
            return session.fail(ErrorKind.MEMORY, "server memory for group messages is full (the rings budget, "
                    + session.chat().budgets().rings().limit() + " bytes of --max-memory); this post was not delivered to '"
                    + group + "'");
        }
        session.metrics().posted();
        long seq = g.wireSeq(Broadcast.seqOf(numbered));
        if (claim != null) claim.numbered(seq, ts);
        keep(g, seq, ts, message, from, id, claim);
        return null;
    }

    /**
     * Hands a delivered post to the store (waiting, with this reader's held wakes given first,
     * while the store's writer is behind), and tells the author {@code Posted} once it is durable.
     * Without a store the post is as durable as it will be: in the ring.
     */
    private void keep(Group g, long seq, long ts, String message, String from, String id, PostIds.Claim claim) {
        Store store = session.groups().store();
        String group = g.name();
        if (!store.persistent()) {
            if (claim != null) claim.settle(null);
            if (id != null) session.reply(Codec.encodePosted(group, id, seq, ts));
            return;
        }
        // Only a post with an id is told anything: the others cost the store no acknowledgement.
        Store.Ack ack = id == null ? null : new Store.Ack() {
            @Override
            public void stored() {
                if (claim != null) claim.settle(null);
                session.outbound().notice(Codec.encodePosted(group, id, seq, ts));
            }

            @Override
            public void failed(String why) {
                if (claim != null) claim.settle(why);
                session.outbound().notice(Codec.encodeError(why));
            }
        };
        if (store.backlogged()) flushWakes(); // the append may wait: members must not wait with it
        try {
            store.append(group, seq, ts, from, message, id, ack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ack.failed("not stored: the server is stopping; post to '" + group + "' (id " + id + ") was delivered");
        }
    }

    /** A resent id: the first post's Posted (or its refusal), once that post is settled. */
    private void answerResend(Group g, String id, PostIds.Claim claim) {
        session.metrics().resent();
        claim.whenSettled(c -> {
            String why = c.failure();
            session.outbound().notice(why != null ? Codec.encodeError(why)
                    : Codec.encodePosted(g.name(), id, c.seq(), c.ts()));
        });
    }

    /** A post through a bus that shares groups: the bus numbers, keeps and deduplicates it. */
    private String postToBus(Group g, String group, String message, String from, String id) {
        GroupBus bus = session.groups().bus();
        if (busErrors == null) busErrors = text -> session.outbound().notice(Codec.encodeError(text));
        String error;
        if (id == null) {
            error = bus.post(g, group, message, from, busErrors);
        } else {
            error = bus.post(g, group, message, from, id, new GroupBus.PostAck() {
                @Override
                public void posted(long seq, long ts) {
                    session.outbound().notice(Codec.encodePosted(group, id, seq, ts));
                }

                @Override
                public void failed(String why) {
                    session.outbound().notice(Codec.encodeError(why));
                }
            }, busErrors);
        }
        if (error == null) session.metrics().posted();
        return error;
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
