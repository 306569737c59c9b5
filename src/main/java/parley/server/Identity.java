package parley.server;

import parley.log.Log;
import parley.options.DurationConverter;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.server.Metrics.CloseReason;
import parley.server.Metrics.ErrorKind;

/**
 * Who a session's client is: the name it gave in Hello, or the user its Auth token names.
 *
 * <p>With authentication on, the first request must be an Auth with a known token; anything else
 * gets an Error and ends the session, as does taking longer than the auth timeout. The token's
 * user name is then the session's name: it is the {@code from} of its posts, and Hello may only
 * repeat it. Without authentication, Hello claims a name server-wide: two sessions never hold the
 * same one. Wrong tokens are throttled per client address ({@link AuthThrottle}).
 *
 * <p>Written by the session's reader thread; the name is read by other sessions listing members.
 */
final class Identity {
    private final Session session;
    /** The name given in Hello or by the Auth token, or null; read by other sessions listing members. */
    private volatile String name;
    /** The user the Auth token named, or null (not yet, or authentication is off). */
    private volatile String user;

    Identity(Session session) {
        this.session = session;
    }

    String name() {
        return name;
    }

    /** The authenticated user, or null. */
    String user() {
        return user;
    }

    /** True while authentication is on and this session has not yet passed it. */
    boolean awaitingAuth() {
        return user == null && session.chat().auth() != null;
    }

    /** The session's first request, with authentication on. The token is never logged. */
    void authenticate(FromClient request) {
        if (!(request instanceof FromClient.Auth a)) {
            refuseAuth("no token");
            return;
        }
        AuthThrottle throttle = session.chat().authThrottle();
        String address = AuthThrottle.addressOf(session.peer());
        if (!throttle.attempt(address, System.nanoTime())) {
            // Too many wrong tokens from this address lately: refused unread, in the same words.
            Log.info("auth.failed", "peer", session.peer(), "reason", "throttled");
            session.stopFor(CloseReason.AUTH_FAILED, ErrorKind.AUTH_THROTTLED, "authentication failed; closing the connection");
            return;
        }
        String u = session.chat().auth().userFor(a.token());
        if (u == null) {
            refuseAuth("unknown token");
            return;
        }
        throttle.succeeded(address);
        user = u;
        name = u;
        Log.debug("auth.ok", "peer", session.peer(), "user", u);
    }

    /** An Auth after the first request: an error, or null with authentication off (then it is ignored). */
    String authAgain() {
        return session.chat().auth() == null ? null : session.fail(ErrorKind.AUTH, "already authenticated as '" + user + "'");
    }

    void refuseAuth(String why) {
        Log.info("auth.failed", "peer", session.peer(), "reason", why);
        session.stopFor(CloseReason.AUTH_FAILED, ErrorKind.AUTH, why.equals("no token")
                ? "authentication required: the first request must be {\"Auth\":{\"token\":\"...\"}}; closing the connection"
                : "authentication failed; closing the connection");
    }

    /** Housekeeping: ends a session that has not authenticated within the auth timeout of {@code openedAt}. */
    void checkAuthTimeout(long now, long openedAt) {
        ServerConfig config = session.config();
        if (awaitingAuth() && !session.isStopping() && now - openedAt > config.authTimeout().toNanos()) {
            Log.info("auth.failed", "peer", session.peer(), "reason", "timeout");
            session.stopFor(CloseReason.AUTH_TIMEOUT, ErrorKind.AUTH, "authentication timed out: send {\"Auth\":{\"token\":\"...\"}} within "
                    + DurationConverter.format(config.authTimeout()) + " of connecting; closing the connection");
        }
    }

    /** Hello: takes the name (or, signed in, only repeats it) and opts into the extended protocol. */
    String hello(String wanted) {
        String bad = checkUserName(wanted);
        if (bad != null) return bad;
        if (user != null) {
            // Authenticated: the token decided the name; Hello only opts into the extended protocol.
            if (!wanted.equals(user)) {
                return session.fail(ErrorKind.BAD_NAME, "signed in as '" + user + "': Hello must use that name");
            }
            boolean first = !session.outbound().extended();
            welcome(user);
            if (first) session.memberships().renamed(session, null, user);
            return null;
        }
        String old = session.outbound().extended() ? name : null;
        if (!wanted.equals(name)) {
            Chat server = session.chat();
            if (!server.claimName(wanted, session)) return session.fail(ErrorKind.NAME_TAKEN, "name '" + wanted + "' is taken");
            server.releaseName(name, session);
            name = wanted;
        }
        welcome(wanted);
        if (old == null || !old.equals(wanted)) session.memberships().renamed(session, old, wanted);
        return null;
    }

    private void welcome(String who) {
        session.outbound().useExtendedProtocol();
        session.reply(Codec.encode(new FromServer.Welcome(who, "parley " + Version.current(), session.groups().epoch(),
                session.chat().auth() != null)));
    }

    /** Gives up the name, when the session ends. */
    void release() {
        session.chat().releaseName(name, session);
    }

    private String checkUserName(String n) {
        int max = session.config().maxNameChars();
        if (n.isEmpty() || n.length() > max || !n.chars().allMatch(Identity::nameChar)) {
            return session.fail(ErrorKind.BAD_NAME, "invalid name '" + n + "': use 1 to " + max
                    + " of the characters A-Z a-z 0-9 _ - .");
        }
        return null;
    }

    private static boolean nameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.';
    }
}
