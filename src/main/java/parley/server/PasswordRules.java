package parley.server;

/**
 * What a password must be: {@link #MIN_CHARS} to {@link #MAX_CHARS} characters. The upper bound
 * keeps one hash's cost bounded; the lower one is deliberately small (length policy is the
 * operator's to tighten); the hash, not the rule, is what protects a stolen store.
 */
public final class PasswordRules {
    public static final int MIN_CHARS = 4;
    public static final int MAX_CHARS = 1024;
    public static final String RULE = "a password must be " + MIN_CHARS + " to " + MAX_CHARS + " characters";

    private PasswordRules() {}

    /** Null if {@code password} may be used, else what is wrong with it. */
    public static String check(String password) {
        int n = password.codePointCount(0, password.length());
        return n < MIN_CHARS || n > MAX_CHARS ? RULE : null;
    }
}
