package parley.server;

import java.util.Optional;

/**
 * The accounts a session may sign in to, as the core sees them: whatever keeps them (the SQLite
 * store, or memory with {@code --data none}) and however passwords are hashed is behind this
 * interface ({@code parley.accounts} implements it; {@code parley.cli} wires it in).
 *
 * <p>Threads: called on session readers. Password work (register, login, password change) may wait
 * for a bounded pool of hashing threads and answers {@link Failure#BUSY} when that pool is full, so
 * a flood of sign-ins costs the chat at most the pool's threads. {@link #lookup} never hashes.
 */
public interface Accounts {

    /** No accounts: every sign-in is refused as {@link Failure#UNAVAILABLE}, every name is free. */
    Accounts NONE = new Accounts() {
        @Override public Outcome register(String name, String password) { return Outcome.failed(Failure.UNAVAILABLE); }
        @Override public Outcome login(String name, String password) { return Outcome.failed(Failure.UNAVAILABLE); }
        @Override public Outcome changePassword(Account account, String old, String password) {
            return Outcome.failed(Failure.UNAVAILABLE);
        }
        @Override public Outcome signInExternal(String name) { return Outcome.failed(Failure.UNAVAILABLE); }
        @Override public Optional<Account> lookup(String name) { return Optional.empty(); }
    };

    /**
     * An account: {@code id} names it forever (a later rename or direct messages key on it), and
     * {@code name} is what members and posts show.
     */
    record Account(long id, String name) {}

    /** Why an account operation did not succeed; the session turns each into an Error's words. */
    enum Failure {
        /** Login or password change: the name or the password is wrong (never saying which). */
        WRONG_CREDENTIALS,
        /** Register: the name already has an account. */
        NAME_REGISTERED,
        /** Register or a new password: the password does not follow the rules. */
        BAD_PASSWORD,
        /** The hashing pool's queue is full: try again shortly. */
        BUSY,
        /** No accounts here, or the store failed. */
        UNAVAILABLE
    }

    /** The account, or why there is none. */
    record Outcome(Account account, Failure failure) {
        public static Outcome ok(Account account) {
            return new Outcome(account, null);
        }

        public static Outcome failed(Failure why) {
            return new Outcome(null, why);
        }

        public boolean succeeded() {
            return account != null;
        }
    }

    /** Creates an account with this password (the name is already checked against the name rules). */
    Outcome register(String name, String password);

    /** The account if the password is its own, else {@link Failure#WRONG_CREDENTIALS} whatever was wrong. */
    Outcome login(String name, String password);

    /** Replaces the account's password if {@code old} is its current one. */
    Outcome changePassword(Account account, String old, String password);

    /**
     * The account of a name someone else vouched for (a verified JWT's subject), created without a
     * password on first use.
     */
    Outcome signInExternal(String name);

    /** The account of this name, if it is registered; reads, never hashes. */
    Optional<Account> lookup(String name);

    /** A registered name is reserved: only its account may use it. */
    default boolean registered(String name) {
        return lookup(name).isPresent();
    }
}
