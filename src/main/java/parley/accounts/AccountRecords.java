package parley.accounts;

import java.util.Optional;

/**
 * Where accounts are kept: the SQLite store's {@code accounts} table, or memory with
 * {@code --data none} ({@link MemoryAccountRecords}). Holds only hashes, never passwords.
 * Implementations are safe for concurrent use.
 */
public interface AccountRecords {

    /** One stored account; {@code hash} is a PHC string, or null for an account made by a JWT (no password). */
    record Stored(long id, String name, String hash) {}

    /** The account of this name, if any. */
    Optional<Stored> find(String name);

    /** Adds an account; null if the name is already taken. */
    Stored insert(String name, String hash);

    /** Replaces an account's hash. */
    void setHash(long id, String hash);
}
