package parley.moderation;

/** What the rules must know of a name besides a group's own records: whether it is an account, and a server admin. */
public interface Names {
    boolean isAccount(String name);

    boolean isAdmin(String name);
}
