package parley.server;

/**
 * Verifies signed sign-in tokens (JWTs, see docs/accounts.md): {@code parley.accounts} implements
 * it with a key from {@code --jwt-key}. The core only learns whom a good token names and until
 * when, so that it can close the connection when the token runs out.
 */
public interface SignInTokens {

    /** A good token: the user it signs in ({@code sub}) and when it stops being good (ms since 1970, with the leeway). */
    record Verified(String subject, long expiresAtMillis) {}

    /** The token was refused; {@code getMessage()} says why, for the log only (the client is told less). */
    final class Refused extends Exception {
        public Refused(String why) {
            super(why, null, false, false);
        }
    }

    /** Whether {@code token} looks like a JWT (three dot-separated parts) rather than a static token. */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first && token.chars().filter(c -> c == '.').count() == 2;
    }

    /** Checks signature, algorithm, expiry, not-before, audience and issuer. */
    Verified verify(String token) throws Refused;
}
