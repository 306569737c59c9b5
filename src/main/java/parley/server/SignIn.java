package parley.server;

/**
 * How clients may sign in, decided once at start-up: the accounts, the JWT verifier (or null),
 * whether anyone may Register, and whether a connection must sign in before anything else.
 *
 * @param accounts         the accounts ({@link Accounts#NONE}: none)
 * @param tokens           verifies JWTs in Auth; null without {@code --jwt-key}
 * @param registrationOpen {@code --registration open}: any client may Register
 * @param required         {@code --accounts required}: no anonymous Hello, Join or Post
 */
public record SignIn(Accounts accounts, SignInTokens tokens, boolean registrationOpen, boolean required) {
    /** No accounts and no JWTs: the chat as it was before accounts. */
    public static final SignIn NONE = new SignIn(Accounts.NONE, null, false, false);
}
