package parley.server;

import java.util.List;
import java.util.Optional;
import parley.log.Log;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.server.Metrics.ErrorKind;

/**
 * The direct-message requests of one session (docs/direct.md): Direct, Conversations,
 * FetchDirect, Read, Block and Unblock. Each needs the session signed in to an account. Each
 * returns null when it was answered, or the Error's words; the connection carries on either way.
 *
 * <p>Reader thread only. Holds nothing of its own.
 */
final class DirectRequests {
    static final String SIGN_IN = "direct messages need an account: sign in first with "
            + "{\"Login\":{\"name\":\"...\",\"password\":\"...\"}}, Register or Auth";
    /** The most messages one FetchDirect sends, whatever limit it asks (its summary says what is left). */
    static final int MAX_FETCH = 1000;
    /** The most conversations one Conversations answer lists. */
    static final int MAX_CONVERSATIONS = 1000;

    private DirectRequests() {}

    static String handle(Session session, FromClient request) {
        Accounts.Account me = session.identity().account();
        if (me == null) return session.fail(ErrorKind.ACCOUNT, SIGN_IN);
        try {
            return serve(session, me, request);
        } catch (RuntimeException e) { // the store failed: say so, and the connection carries on
            Log.warn("direct.store_failed", "peer", session.peer(), "error", e.getMessage());
            return session.fail(ErrorKind.ACCOUNT, "direct messages are unavailable: the store failed; try again later");
        }
    }

    private static String serve(Session session, Accounts.Account me, FromClient request) {
        return switch (request) {
            case FromClient.Direct d -> send(session, me, d);
            case FromClient.Conversations c -> conversations(session, me);
            case FromClient.FetchDirect f -> fetch(session, me, f);
            case FromClient.Read r -> read(session, me, r);
            case FromClient.Block b -> block(session, me, b.name(), true);
            case FromClient.Unblock u -> block(session, me, u.name(), false);
            default -> throw new IllegalArgumentException(request.toString());
        };
    }

    /** Whether {@code request} is one of this class's. */
    static boolean isDirect(FromClient request) {
        return request instanceof FromClient.Direct || request instanceof FromClient.Conversations
                || request instanceof FromClient.FetchDirect || request instanceof FromClient.Read
                || request instanceof FromClient.Block || request instanceof FromClient.Unblock;
    }

    private static String send(Session session, Accounts.Account me, FromClient.Direct d) {
        String refused = checkLimits(session, me, d);
        if (refused != null) return refused;
        Optional<Accounts.Account> found = session.chat().signIn().accounts().lookup(d.to());
        if (found.isEmpty()) return noAccount(session, d.to());
        Accounts.Account to = found.get();
        if (to.id() == me.id()) return session.fail(ErrorKind.BAD_REQUEST, "cannot send a direct message to yourself");
        Directs directs = session.chat().directs();
        byte[] sent = deliver(session, directs, me, to, d);
        session.reply(sent); // outside the conversation's lock: the reply may wait for this client's backlog
        return null;
    }

    /**
     * Numbers, keeps and hands out the message under its conversation's lock, so every connection
     * gets a conversation's messages in seq order; returns the sender's Sent.
     */
    private static byte[] deliver(Session session, Directs directs, Accounts.Account me, Accounts.Account to,
                                  FromClient.Direct d) {
        long now = System.currentTimeMillis();
        synchronized (directs.lock(me, to)) {
            if (directs.store().blocks(to, me)) {
                // The sender is not told: it gets the Sent it would have got, and nothing is kept.
                return Codec.encodeSent(to.name(), d.id(), directs.store().newest(me, to) + 1, now);
            }
            long idsSince = now - session.config().dedupWindow().toMillis();
            DirectStore.Appended a = directs.store().append(me, to, d.message(), d.id(), now, idsSince);
            DirectStore.DirectMessage m = a.message();
            if (a.fresh()) {
                byte[] line = Codec.encodeDirect(m.from(), m.to(), m.text(), m.seq(), m.ts());
                directs.tell(to, line, null);
                directs.tell(me, line, session);
            } else {
                session.metrics().resent();
            }
            return Codec.encodeSent(to.name(), d.id(), m.seq(), m.ts());
        }
    }

    /** Message size as for posts, then the account's direct-message rate. */
    private static String checkLimits(Session session, Accounts.Account me, FromClient.Direct d) {
        int max = session.config().maxMessageBytes();
        long size = Posting.utf8Length(d.message());
        if (size > max) {
            return session.fail(ErrorKind.MAX_MESSAGE, "message too long: " + size + " bytes, the limit is " + max
                    + " bytes; it was not delivered to '" + d.to() + "'");
        }
        Directs directs = session.chat().directs();
        if (!directs.takeRate(me)) {
            Log.debug("direct.rate", "peer", session.peer(), "account", me.name());
            return session.fail(ErrorKind.POST_RATE, "sending direct messages too fast: at most " + directs.rate()
                    + " a second per account (--direct-rate; bursts of " + directs.burst()
                    + "); this message was not delivered to '" + d.to() + "'");
        }
        return null;
    }

    private static String conversations(Session session, Accounts.Account me) {
        List<FromServer.ConversationInfo> out = session.chat().directs().store().conversations(me, MAX_CONVERSATIONS)
                .stream().map(c -> new FromServer.ConversationInfo(c.with(), c.newest(), c.read())).toList();
        session.reply(Codec.encode(new FromServer.Conversations(out)));
        return null;
    }

    /** As Fetch pages a group: {@code after}, {@code before}, or the newest page; then FetchedDirect. */
    private static String fetch(Session session, Accounts.Account me, FromClient.FetchDirect f) {
        Optional<Accounts.Account> found = session.chat().signIn().accounts().lookup(f.with());
        if (found.isEmpty()) return noAccount(session, f.with());
        Accounts.Account with = found.get();
        DirectStore store = session.chat().directs().store();
        int limit = (int) Math.min(f.limit(), MAX_FETCH);
        List<DirectStore.DirectMessage> page = f.after().isPresent()
                ? store.page(me, with, f.after().getAsLong(), Long.MAX_VALUE, limit, false)
                : store.page(me, with, -1, f.before().orElse(Long.MAX_VALUE), limit, true);
        for (DirectStore.DirectMessage m : page) {
            session.reply(Codec.encodeDirect(m.from(), m.to(), m.text(), m.seq(), m.ts()));
        }
        long[] retained = store.retained(me, with);
        session.reply(Codec.encode(new FromServer.FetchedDirect(with.name(), page.size(), retained[0], retained[1])));
        return null;
    }

    /** Moves the read marker and tells every connection of the reader's, this one included. */
    private static String read(Session session, Accounts.Account me, FromClient.Read r) {
        Optional<Accounts.Account> found = session.chat().signIn().accounts().lookup(r.with());
        if (found.isEmpty()) return noAccount(session, r.with());
        Directs directs = session.chat().directs();
        Accounts.Account with = found.get();
        synchronized (directs.lock(me, with)) {
            long marker = directs.store().markRead(me, with, r.seq());
            directs.tell(me, Codec.encodeRead(with.name(), marker), null);
        }
        return null;
    }

    private static String block(Session session, Accounts.Account me, String name, boolean on) {
        Optional<Accounts.Account> found = session.chat().signIn().accounts().lookup(name);
        if (found.isEmpty()) return noAccount(session, name);
        if (found.get().id() == me.id()) return session.fail(ErrorKind.BAD_REQUEST, "cannot block yourself");
        session.chat().directs().store().block(me, found.get(), on);
        Log.info(on ? "direct.blocked" : "direct.unblocked", "account", me.name(), "other", name);
        session.reply(Codec.encode(on ? new FromServer.Block(name) : new FromServer.Unblock(name)));
        return null;
    }

    private static String noAccount(Session session, String name) {
        return session.fail(ErrorKind.ACCOUNT, "no account named '" + name + "'");
    }
}
