package parley.server;

import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.ProtocolException;
import parley.server.Metrics.ErrorKind;

/**
 * The request dispatch of one session (the body of the seed's {@code serve} loop): decodes a
 * request line and hands it to the part of the session that serves it. A bad line gets an Error
 * naming the problem and the session carries on; with authentication on, nothing but the Auth
 * that must come first is served until it has. Every line but a Post takes a token of the
 * connection's request rate first ({@link ServerConfig#requestRate}); one over it gets an Error
 * and is not acted on.
 *
 * <p>Reader thread only. Holds nothing of its own: every session shares it.
 */
final class Requests {
    private Requests() {}

    /**
     * Decodes one request line and acts on it; {@code moreLines} says another whole line is
     * already read (a post may then hold its group's wake, see {@link PendingWakes}).
     */
    static void handle(Session session, byte[] buf, int off, int len, boolean moreLines) {
        session.metrics().bytesIn(len + 1L);
        Identity identity = session.identity();
        FromClient request;
        try {
            request = Codec.decodeRequest(buf, off, len);
        } catch (ProtocolException e) {
            if (identity.awaitingAuth()) {
                identity.refuseAuth("no token");
            } else if (!session.takeRequest()) {
                session.reply(Codec.encodeError(overRate(session)));
            } else {
                session.reply(Codec.encodeError(session.fail(ErrorKind.BAD_REQUEST, e.getMessage())));
            }
            return;
        }
        if (identity.awaitingAuth()) {
            identity.authenticate(request);
            return;
        }
        if (!(request instanceof FromClient.Post)) {
            session.flushWakes(); // a Join, say, may wait; so may a sign-in's hashing
            if (!session.takeRequest()) {
                session.reply(Codec.encodeError(overRate(session)));
                return;
            }
        }
        if (session.chat().signIn().required() && identity.user() == null && !signsIn(request)) {
            session.reply(Codec.encodeError(session.fail(ErrorKind.AUTH, AccountSignIn.REQUIRED)));
            return;
        }
        Memberships memberships = session.memberships();
        String error = switch (request) {
            case FromClient.Join j -> memberships.join(session, j.groupName(), j.history());
            case FromClient.Post p -> session.posting().post(p.groupName(), p.message(), identity.name(), p.id(), moreLines);
            case FromClient.Hello h -> identity.hello(h.name());
            case FromClient.Leave l -> memberships.leave(session, l.groupName());
            case FromClient.ListGroups l -> Lookups.list(session, l);
            case FromClient.Members m -> Lookups.members(session, m);
            case FromClient.Fetch f -> Lookups.fetch(session, f.groupName(), f.after().orElse(-1),
                    f.before().orElse(-1), f.limit());
            case FromClient.Auth a -> identity.authAgain(a.token());
            case FromClient.Register r -> AccountSignIn.register(session, r);
            case FromClient.Login l -> AccountSignIn.login(session, l);
            case FromClient.Password p -> AccountSignIn.password(session, p);
            case FromClient.Direct d -> DirectRequests.handle(session, d);
            case FromClient.Conversations c -> DirectRequests.handle(session, c);
            case FromClient.FetchDirect f -> DirectRequests.handle(session, f);
            case FromClient.Read r -> DirectRequests.handle(session, r);
            case FromClient.Block b -> DirectRequests.handle(session, b);
            case FromClient.Unblock u -> DirectRequests.handle(session, u);
            case FromClient.Moderation m -> ModerationRequests.handle(session, m);
        };
        if (error != null) {
            session.reply(Codec.encodeError(error));
        }
    }

    /** The requests a connection may send before signing in when accounts are required. */
    private static boolean signsIn(FromClient request) {
        return request instanceof FromClient.Register || request instanceof FromClient.Login
                || request instanceof FromClient.Auth;
    }

    /** The Error for a request over the request rate, counted. */
    private static String overRate(Session session) {
        int rate = session.config().requestRate();
        return session.fail(ErrorKind.REQUEST_RATE, "requesting too fast: at most " + rate
                + (rate == 1 ? " request" : " requests") + " a second other than posts (bursts of " + 2L * rate
                + "); this request was not acted on");
    }
}
