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
 * <p>Signed in to an account (Register, Login, or a JWT in Auth: see {@link AccountSignIn}), the
 * account's name is the session's, as with a token; several sessions may hold one account at
 * once, each a member in its own right. A registered name is reserved: an anonymous Hello may not
 * take it. A session signed in with a JWT is closed when the token expires, unless a fresh Auth
 * came first.
 *
 * <p>Written by the session's reader thread; the name is read by other sessions listing members,
 * and the token's expiry by housekeeping.
 */
final class Identity {
    private final Session session;
    /** The name given in Hello or by the Auth token, or null; read by other sessions listing members. */
    private volatile String name;
    /** The user the Auth token named, or null (not yet, or authentication is off). */
    private volatile String user;
    /** The account signed in to, or null (anonymous, or a static token's user). */
    private volatile Accounts.Account account;
    /** When the JWT this session signed in with expires (ms since 1970), or 0 for none. */
    private volatile long tokenExpiresAt;

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

    /** The account signed in to, or null. */
    Accounts.Account account() {
        return account;
    }

    /** True while authentication is on and this session has not yet passed it. */
    boolean awaitingAuth() {
        return user == null && session.chat().auth() != null;
    }

    /** The session's first request, with authentication on. The token is never logged. */
    void authenticate(FromClient request) {
        if (request instanceof FromClient.Login l) {
            // A password is as good as a token at the gate; a wrong one may be retyped until the auth timeout.
            String error = AccountSignIn.login(session, l);
            if (error != null) session.reply(Codec.encodeError(error));
            return;
        }
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
        if (u == null && session.chat().signIn().tokens() != null && SignInTokens.looksLikeJwt(a.token())) {
            String error = AccountSignIn.jwt(session, a.token(), true);
            if (account != null) {
                throttle.succeeded(address);
            } else if (error != null) {
                session.reply(Codec.encodeError(error)); // not the token's fault (the store, say): it may retry
            }
            return;
        }
        if (u == null) {
            refuseAuth("unknown token");
            return;
        }
        throttle.succeeded(address);
        user = u;
        name = u;
        Log.debug("auth.ok", "peer", session.peer(), "user", u);
    }

    /**
     * An Auth after the first request: a JWT signs in (or refreshes the sign-in) when JWTs are on;
     * otherwise an error, or null with authentication off (then it is ignored, as before accounts).
     */
    String authAgain(String token) {
        if (session.chat().signIn().tokens() != null && SignInTokens.looksLikeJwt(token)) {
            return AccountSignIn.jwt(session, token, false);
        }
        return session.chat().auth() == null ? null : session.fail(ErrorKind.AUTH, "already authenticated as '" + user + "'");
    }

    /**
     * Signs this session in to {@code a} (until {@code expiresAt}, ms since 1970, or 0: no
     * expiry): the account's name becomes the session's, an anonymous name it held is given up,
     * and the client is welcomed with {@code "account":true}.
     */
    void signedIn(Accounts.Account a, long expiresAt) {
        String old = session.outbound().extended() ? name : null;
        if (account == null && name != null) session.chat().releaseName(name, session);
        account = a;
        user = a.name();
        name = a.name();
        tokenExpiresAt = expiresAt;
        Log.info("account.signed_in", "peer", session.peer(), "account", a.name(), "id", a.id());
        welcome(a.name());
        if (old == null || !old.equals(a.name())) session.memberships().renamed(session, old, a.name());
    }

    /** A fresh token for the account already signed in: only its expiry moves. */
    void refreshed(long expiresAt) {
        tokenExpiresAt = expiresAt;
        welcome(name);
    }

    /** Housekeeping: a session whose JWT has expired is told so and closed. */
    void checkTokenExpiry(long nowMillis) {
        long exp = tokenExpiresAt;
        if (exp != 0 && nowMillis >= exp && !session.isStopping()) {
            Log.info("auth.expired", "peer", session.peer(), "account", name);
            session.stopFor(CloseReason.AUTH_EXPIRED, ErrorKind.AUTH,
                    "sign-in token expired (send a fresh {\"Auth\":{\"token\":\"...\"}} before it does); closing the connection");
        }
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
        SignIn signIn = session.chat().signIn();
        if (signIn.required()) {
            return session.fail(ErrorKind.AUTH, AccountSignIn.REQUIRED);
        }
        if (!wanted.equals(name) && signIn.accounts().registered(wanted)) {
            return session.fail(ErrorKind.NAME_TAKEN, "name '" + wanted + "' is registered; sign in to use it");
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
        byte[] line = Codec.encode(new FromServer.Welcome(who, "parley " + Version.current(), session.groups().epoch(),
                session.chat().auth() != null, account != null, unread()));
        Accounts.Account a = account;
        if (a == null) {
            session.reply(line);
            return;
        }
        // Signed in: the account's direct messages reach this session from now on, each after this Welcome.
        session.flushWakes();
        session.chat().directs().online(session, a, line);
    }

    /** Gives up the name, when the session ends. */
    void release() {
        session.chat().releaseName(name, session);
        session.chat().directs().offline(session, account);
    }

    /** The account's unread direct messages, for Welcome; 0 when not signed in or the store fails. */
    private long unread() {
        Accounts.Account a = account;
        if (a == null) return 0;
        try {
            return session.chat().directs().store().unread(a);
        } catch (RuntimeException e) {
            Log.warn("direct.store_failed", "peer", session.peer(), "error", e.getMessage());
            return 0;
        }
    }

    /** Null if {@code n} follows the name rules, else the Error's words (counted). */
    String checkUserName(String n) {
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
