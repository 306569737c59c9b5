package parley.server;

import parley.log.Log;
import parley.protocol.FromClient;
import parley.server.Metrics.CloseReason;
import parley.server.Metrics.ErrorKind;

/**
 * The account requests of one session: Register, Login, Password, and Auth with a JWT. Each
 * returns null when it succeeded (the client was answered) or the Error's words. A wrong name and
 * a wrong password get the same words, and failed attempts are limited per address and per name
 * ({@link SignInThrottle}). Passwords are never logged: only names and outcomes are.
 *
 * <p>Reader thread only; the hashing itself runs on the accounts' pool, which the reader waits for.
 */
final class AccountSignIn {
    static final String WRONG = "wrong name or password";
    static final String THROTTLED = "too many failed sign-ins: try again in a minute";
    static final String BUSY = "server busy: too many sign-ins in progress; try again shortly";
    static final String REQUIRED = "this server requires an account: sign in first with "
            + "{\"Login\":{\"name\":\"...\",\"password\":\"...\"}}, Register or Auth";

    private AccountSignIn() {}

    static String register(Session session, FromClient.Register r) {
        SignIn signIn = session.chat().signIn();
        String refused = alreadySignedIn(session);
        if (refused != null) return refused;
        if (signIn.accounts() == Accounts.NONE) return unavailable(session);
        if (!signIn.registrationOpen()) {
            return session.fail(ErrorKind.ACCOUNT, "registration is closed on this server: ask its operator for an account");
        }
        String bad = session.identity().checkUserName(r.name());
        if (bad != null) return bad;
        if (session.chat().nameHeldByOther(r.name(), session)) {
            return session.fail(ErrorKind.NAME_TAKEN, "name '" + r.name() + "' is taken");
        }
        String weak = PasswordRules.check(r.password());
        if (weak != null) return session.fail(ErrorKind.ACCOUNT, weak);
        Accounts.Outcome o = signIn.accounts().register(r.name(), r.password());
        if (!o.succeeded()) return failure(session, o.failure(), r.name());
        Log.info("account.registered", "peer", session.peer(), "account", r.name());
        session.identity().signedIn(o.account(), 0);
        return null;
    }

    static String login(Session session, FromClient.Login l) {
        SignIn signIn = session.chat().signIn();
        String refused = alreadySignedIn(session);
        if (refused != null) return refused;
        if (signIn.accounts() == Accounts.NONE) return unavailable(session);
        String address = AuthThrottle.addressOf(session.peer());
        SignInThrottle throttle = session.chat().signInThrottle();
        if (!throttle.attempt(address, l.name(), System.nanoTime())) {
            Log.info("account.login_failed", "peer", session.peer(), "reason", "throttled");
            return session.fail(ErrorKind.AUTH_THROTTLED, THROTTLED);
        }
        Accounts.Outcome o = signIn.accounts().login(l.name(), l.password());
        if (o.failure() == Accounts.Failure.BUSY) throttle.succeeded(address, l.name()); // not a guess
        if (!o.succeeded()) {
            Log.info("account.login_failed", "peer", session.peer(), "reason", o.failure().name().toLowerCase());
            return failure(session, o.failure(), l.name());
        }
        throttle.succeeded(address, l.name());
        String suspended = suspended(session, o.account());
        if (suspended != null) return suspended;
        session.identity().signedIn(o.account(), 0);
        return null;
    }

    /** The refusal for an account a server admin has suspended (docs/moderation.md), or null. */
    private static String suspended(Session session, Accounts.Account account) {
        long until = session.chat().moderation().suspendedUntil(account.name());
        if (until == 0) return null;
        Log.info("account.login_failed", "peer", session.peer(), "account", account.name(), "reason", "suspended");
        return session.refuseByModeration(parley.moderation.Rules.suspended(account.name(), until));
    }

    static String password(Session session, FromClient.Password p) {
        Accounts.Account account = session.identity().account();
        if (account == null) {
            return session.fail(ErrorKind.ACCOUNT, "not signed in to an account: Login first to change its password");
        }
        String weak = PasswordRules.check(p.newPassword());
        if (weak != null) return session.fail(ErrorKind.ACCOUNT, weak);
        String address = AuthThrottle.addressOf(session.peer());
        SignInThrottle throttle = session.chat().signInThrottle();
        if (!throttle.attempt(address, account.name(), System.nanoTime())) {
            return session.fail(ErrorKind.AUTH_THROTTLED, THROTTLED);
        }
        Accounts.Outcome o = session.chat().signIn().accounts().changePassword(account, p.oldPassword(), p.newPassword());
        if (o.failure() == Accounts.Failure.WRONG_CREDENTIALS) return session.fail(ErrorKind.ACCOUNT, "wrong password");
        throttle.succeeded(address, account.name());
        if (!o.succeeded()) return failure(session, o.failure(), account.name());
        Log.info("account.password_changed", "peer", session.peer(), "account", account.name());
        session.identity().refreshed(0);
        return null;
    }

    /**
     * Auth with a JWT: signs in as its subject (the account made on first use), or, for the
     * account already signed in, moves the expiry. At the gate of {@code --auth-tokens} a refused
     * token closes the connection, as a wrong static token does.
     */
    static String jwt(Session session, String token, boolean atGate) {
        Identity identity = session.identity();
        SignInTokens.Verified v;
        try {
            v = session.chat().signIn().tokens().verify(token);
        } catch (SignInTokens.Refused e) {
            Log.info("auth.failed", "peer", session.peer(), "reason", "jwt: " + e.getMessage());
            return refuseToken(session, atGate, e.getMessage());
        }
        if (identity.checkUserName(v.subject()) != null) return refuseToken(session, atGate, "subject is not a valid name");
        Accounts.Account current = identity.account();
        if (current != null) {
            if (!current.name().equals(v.subject())) {
                return session.fail(ErrorKind.AUTH, "signed in as '" + current.name() + "': a token for another account cannot switch to it");
            }
            identity.refreshed(v.expiresAtMillis());
            return null;
        }
        if (identity.user() != null) return session.fail(ErrorKind.AUTH, "already authenticated as '" + identity.user() + "'");
        Accounts.Outcome o = session.chat().signIn().accounts().signInExternal(v.subject());
        if (!o.succeeded()) return failure(session, o.failure(), v.subject());
        String suspended = suspended(session, o.account());
        if (suspended != null) {
            if (atGate) session.stopFor(CloseReason.SUSPENDED, ErrorKind.MODERATION, suspended + "; closing the connection");
            return atGate ? null : suspended;
        }
        identity.signedIn(o.account(), v.expiresAtMillis());
        return null;
    }

    private static String refuseToken(Session session, boolean atGate, String why) {
        String text = "authentication failed: " + why;
        if (atGate) {
            session.stopFor(CloseReason.AUTH_FAILED, ErrorKind.AUTH, text + "; closing the connection");
            return null;
        }
        return session.fail(ErrorKind.AUTH, text);
    }

    private static String alreadySignedIn(Session session) {
        String user = session.identity().user();
        return user == null ? null : session.fail(ErrorKind.ACCOUNT, "already signed in as '" + user + "'");
    }

    private static String unavailable(Session session) {
        return session.fail(ErrorKind.ACCOUNT, "accounts are not available on this server");
    }

    private static String failure(Session session, Accounts.Failure why, String name) {
        return switch (why) {
            case WRONG_CREDENTIALS -> session.fail(ErrorKind.AUTH, WRONG);
            case NAME_REGISTERED -> session.fail(ErrorKind.NAME_TAKEN, "name '" + name + "' is already registered");
            case BAD_PASSWORD -> session.fail(ErrorKind.ACCOUNT, PasswordRules.RULE);
            case BUSY -> session.fail(ErrorKind.SIGN_IN_BUSY, BUSY);
            case UNAVAILABLE -> session.fail(ErrorKind.ACCOUNT, "accounts are unavailable: the store could not be used");
        };
    }
}
