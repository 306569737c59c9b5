package parley.server;

import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.ProtocolException;
import parley.server.Metrics.ErrorKind;

/**
 * The request dispatch of one session (the body of the seed's {@code serve} loop): decodes a
 * request line and hands it to the part of the session that serves it. A bad line gets an Error
 * naming the problem and the session carries on; with authentication on, nothing but the Auth
 * that must come first is served until it has.
 *
 * <p>Reader thread only.
 */
final class Requests {
    private final Session session;
    private final Metrics metrics;
    private final Identity identity;
    private final Memberships memberships;
    private final Lookups lookups;
    private final Posting posting;

    Requests(Session session, Metrics metrics, Identity identity, Memberships memberships, Lookups lookups,
            Posting posting) {
        this.session = session;
        this.metrics = metrics;
        this.identity = identity;
        this.memberships = memberships;
        this.lookups = lookups;
        this.posting = posting;
    }

    /**
     * Decodes one request line and acts on it; {@code moreLines} says another whole line is
     * already read (a post may then hold its group's wake, see {@link PendingWakes}).
     */
    void handle(byte[] buf, int off, int len, boolean moreLines) {
        metrics.bytesIn(len + 1L);
        FromClient request;
        try {
            request = Codec.decodeRequest(buf, off, len);
        } catch (ProtocolException e) {
            if (identity.awaitingAuth()) {
                identity.refuseAuth("no token");
            } else {
                session.reply(Codec.encodeError(session.fail(ErrorKind.BAD_REQUEST, e.getMessage())));
            }
            return;
        }
        if (identity.awaitingAuth()) {
            identity.authenticate(request);
            return;
        }
        if (!(request instanceof FromClient.Post)) posting.flushWakes(); // a Join, say, may wait
        String error = switch (request) {
            case FromClient.Join j -> memberships.join(j.groupName(), j.history());
            case FromClient.Post p -> posting.post(p.groupName(), p.message(), identity.name(), moreLines);
            case FromClient.Hello h -> identity.hello(h.name());
            case FromClient.Leave l -> memberships.leave(l.groupName());
            case FromClient.ListGroups l -> lookups.list();
            case FromClient.Members m -> lookups.members(m.groupName());
            case FromClient.Fetch f -> lookups.fetch(f.groupName(), f.after().orElse(-1), f.limit());
            case FromClient.Auth a -> identity.authAgain();
        };
        if (error != null) {
            session.reply(Codec.encodeError(error));
        }
    }
}
