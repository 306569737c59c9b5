package parley.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema, as an ordered list of migrations: step i takes a database from {@code user_version}
 * i to i + 1, and the file's {@code PRAGMA user_version} says how many have run. A new file runs
 * them all; an older one the rest; a newer one (written by a later Parley) is refused, since this
 * one cannot know what its tables mean. Each step runs in its own transaction with its version.
 * A release only ever appends steps: a shipped step never changes.
 */
final class Schema {
    /** One step: the statements that take the schema from its index to the next version. */
    record Migration(String why, List<String> statements) {}

    static final List<Migration> MIGRATIONS = List.of(
            new Migration("the first release: groups, messages, meta", List.of(
                    // Group rows are never deleted, even when retention empties them, so a seq is
                    // never reused within an epoch: last_seq is the highest seq ever committed.
                    "CREATE TABLE groups(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                            + " last_seq INTEGER NOT NULL, created INTEGER NOT NULL)",
                    // Clustered by (group, seq): a group's history is one contiguous range.
                    "CREATE TABLE messages(group_id INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,"
                            + " sender TEXT, body TEXT NOT NULL, client_id TEXT,"
                            + " PRIMARY KEY(group_id, seq)) WITHOUT ROWID",
                    // Retention by age and by bytes deletes the oldest first, over all groups.
                    "CREATE INDEX messages_ts ON messages(ts)",
                    // The post ids of a group's recent posts, for deduplication after a restart.
                    "CREATE INDEX messages_client_id ON messages(group_id, ts) WHERE client_id IS NOT NULL",
                    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")),
            new Migration("accounts (issue 21): a name, its password hash, when it was made", List.of(
                    // The id names an account for good (direct messages and read markers will key on
                    // it); hash is a PHC string, NULL for an account a JWT made (no password yet).
                    "CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                            + " hash TEXT, created INTEGER NOT NULL)")),
            new Migration("direct messages (issue 21): conversations, their messages, blocks", List.of(
                    // One row per pair of accounts, a < b (their ids); names are kept with them so a
                    // conversation lists without a join. last_seq is never lowered by retention.
                    "CREATE TABLE conversations(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL,"
                            + " a_name TEXT NOT NULL, b_name TEXT NOT NULL, last_seq INTEGER NOT NULL,"
                            + " a_read INTEGER NOT NULL, b_read INTEGER NOT NULL, active INTEGER NOT NULL,"
                            + " UNIQUE(a, b))",
                    "CREATE INDEX conversations_b ON conversations(b)",
                    // Clustered by (conversation, seq), as messages are by (group, seq).
                    "CREATE TABLE directs(conversation INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,"
                            + " sender INTEGER NOT NULL, body TEXT NOT NULL, client_id TEXT,"
                            + " PRIMARY KEY(conversation, seq)) WITHOUT ROWID",
                    "CREATE INDEX directs_ts ON directs(ts)",
                    "CREATE INDEX directs_client_id ON directs(conversation, client_id) WHERE client_id IS NOT NULL",
                    "CREATE TABLE blocks(blocker INTEGER NOT NULL, blocked INTEGER NOT NULL,"
                            + " PRIMARY KEY(blocker, blocked)) WITHOUT ROWID")),
            new Migration("group moderation (issue 22): events among messages, group rules, admins, suspensions", List.of(
                    // A moderation event is stored as a row of its group's messages (its GroupEvent
                    // line without seq and ts), numbered and retained with them.
                    "ALTER TABLE messages ADD COLUMN event INTEGER NOT NULL DEFAULT 0",
                    // One row per group with rules other than the open default: owner (NULL: none),
                    // topic (NULL: none), modes.
                    "CREATE TABLE group_rules(name TEXT PRIMARY KEY, owner TEXT, topic TEXT, topic_by TEXT,"
                            + " topic_ts INTEGER NOT NULL, invite_only INTEGER NOT NULL, moderated INTEGER NOT NULL,"
                            + " private INTEGER NOT NULL) WITHOUT ROWID",
                    // Operators, bans, mutes and invites of a group, one row each (kind says which);
                    // until is 0 for good.
                    "CREATE TABLE group_entries(name TEXT NOT NULL, kind TEXT NOT NULL, account TEXT NOT NULL,"
                            + " by TEXT, reason TEXT, until INTEGER NOT NULL, PRIMARY KEY(name, kind, account))"
                            + " WITHOUT ROWID",
                    // Server admins (parley accounts admin NAME) and suspended accounts.
                    "CREATE TABLE account_flags(name TEXT PRIMARY KEY, admin INTEGER NOT NULL,"
                            + " suspended_until INTEGER NOT NULL) WITHOUT ROWID")));

    /** The version this Parley writes. */
    static final int CURRENT = MIGRATIONS.size();

    private Schema() {}

    static int version(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** Brings the schema to {@link #CURRENT} with {@code steps}; returns the version found. Auto-commit must be on. */
    static int migrate(Connection db, List<Migration> steps, String file) throws SQLException {
        int found = version(db);
        if (found > steps.size()) {
            throw new StoreException(file + " has schema version " + found + ", but this Parley knows versions up to "
                    + steps.size() + ": run a newer Parley, or move the file away to start an empty store");
        }
        for (int v = found; v < steps.size(); v++) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                for (String sql : steps.get(v).statements()) s.execute(sql);
                s.execute("PRAGMA user_version=" + (v + 1));
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
        return found;
    }
}
