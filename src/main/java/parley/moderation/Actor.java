package parley.moderation;

/**
 * Who asks: {@code name} (null for a connection that never said Hello), whether it is signed in
 * to an account of that name, and whether that account is one of the server's admins.
 */
public record Actor(String name, boolean account, boolean admin) {
    /** A book connection, or any connection without an account and name. */
    public static final Actor NOBODY = new Actor(null, false, false);

    /** A signed-in account that is no admin. */
    public static Actor account(String name) {
        return new Actor(name, true, false);
    }
}
