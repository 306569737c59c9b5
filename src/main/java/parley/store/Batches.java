package parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import parley.store.Writer.Post;

/**
 * One batch's transaction: each group's row (created on its first post, its {@code last_seq}
 * raised to the batch's highest seq; posts may arrive slightly out of seq order, so it is a max)
 * and every post's row. Group ids are cached, since a group row, once made, is never deleted.
 *
 * <p>When a batch fails, its groups' highest seqs are remembered and written with the next
 * batch (or alone, at close), because those seqs were delivered: a clean restart must not number
 * from below them.
 */
final class Batches {
    private static final int ID_CACHE = 65_536;

    private final Connection db;
    /** The highest queued seq of each group not yet in its row: shared with the store's load(). */
    private final Map<String, Long> pending;
    private final Map<String, Long> ids = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > ID_CACHE;
        }
    };
    /** The highest seq of each group whose batch failed, not yet in its row. */
    private final Map<String, Long> unrecorded = new HashMap<>();
    /**
     * Rows per INSERT statement. One statement of many rows costs SQLite one statement run and the
     * driver one execute instead of one each per row: 15-25% less writer CPU per post at 15 and
     * at 200 posts a batch in a loop of this schema's inserts (xerial 3.54, WAL, synchronous=normal).
     */
    static final int ROWS_PER_INSERT = 64;

    private PreparedStatement upsert, findId;
    /** The INSERT of n rows at index n, prepared when first needed. */
    private final PreparedStatement[] inserts = new PreparedStatement[ROWS_PER_INSERT + 1];

    Batches(Connection db, Map<String, Long> pending) {
        this.db = db;
        this.pending = pending;
    }

    /**
     * Commits {@code posts} in one transaction, or throws having rolled it back. Returns whether
     * every post made a row (false when some seq was already stored, and its row was ignored).
     */
    boolean commit(List<Post> posts) throws SQLException {
        Map<String, Long> high = new HashMap<>(unrecorded);
        for (Post p : posts) high.merge(p.group(), p.seq(), Math::max);
        try {
            db.setAutoCommit(false);
            prepare();
            Map<String, Long> batchIds = recordSeqs(high);
            long inserted = 0;
            for (int from = 0; from < posts.size(); from += ROWS_PER_INSERT) {
                inserted += insert(posts.subList(from, Math.min(posts.size(), from + ROWS_PER_INSERT)), batchIds);
            }
            db.commit();
            recorded(high);
            return inserted == posts.size();
        } catch (SQLException | RuntimeException e) {
            rollback();
            unrecorded.putAll(high);
            ids.clear(); // a rolled-back insert may have cached an id that does not exist
            close(); // after SQLITE_FULL the driver's statements can be left unusable: prepare them again
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Inserts up to {@link #ROWS_PER_INSERT} posts with one statement of as many rows; returns the rows made. */
    private int insert(List<Post> rows, Map<String, Long> batchIds) throws SQLException {
        PreparedStatement insert = inserts[rows.size()];
        if (insert == null) insert = inserts[rows.size()] = db.prepareStatement(insertSql(rows.size()));
        int i = 1;
        for (Post p : rows) {
            insert.setLong(i++, batchIds.get(p.group()));
            insert.setLong(i++, p.seq());
            insert.setLong(i++, p.ts());
            insert.setString(i++, p.from());
            insert.setString(i++, p.text());
            insert.setString(i++, p.id());
            insert.setInt(i++, p.event() ? 1 : 0);
        }
        int made = insert.executeUpdate();
        // A statement keeps its last values bound, on the driver's side and in SQLite's copy: a
        // cached 64-row statement would hold up to 64 posts of up to --max-message each for as
        // long as the server runs (the hostile suite's ring flood left RSS 136 MB up). After a
        // failure the batch closes every statement instead, so the error is not masked here.
        insert.clearParameters();
        return made;
    }

    /** OR IGNORE: a seq names one message; a second row for it (a bug upstream) must not fail a whole batch. */
    static String insertSql(int rows) {
        StringBuilder sql = new StringBuilder("INSERT OR IGNORE INTO messages(group_id, seq, ts, sender, body, client_id, event) VALUES ");
        for (int r = 0; r < rows; r++) sql.append(r == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?)");
        return sql.toString();
    }

    /** Writes the seqs of failed batches alone (at close); false if that fails too. */
    boolean recordUnrecorded() {
        if (unrecorded.isEmpty()) return true;
        try {
            db.setAutoCommit(false);
            prepare();
            Map<String, Long> high = new HashMap<>(unrecorded);
            recordSeqs(high);
            db.commit();
            recorded(high);
            return true;
        } catch (SQLException e) {
            rollback();
            ids.clear();
            close();
            return false;
        } finally {
            try {
                db.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is closing anyway
            }
        }
    }

    /** The rows now hold these seqs: they are no longer pending, unless a later post of the group is queued. */
    private void recorded(Map<String, Long> high) {
        unrecorded.clear();
        high.forEach((g, seq) -> pending.computeIfPresent(g, (k, v) -> v <= seq ? null : v));
    }

    boolean hasUnrecorded() {
        return !unrecorded.isEmpty();
    }

    private Map<String, Long> recordSeqs(Map<String, Long> high) throws SQLException {
        Map<String, Long> batchIds = new HashMap<>();
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Long> e : high.entrySet()) {
            upsert.setString(1, e.getKey());
            upsert.setLong(2, e.getValue());
            upsert.setLong(3, now);
            upsert.executeUpdate();
            batchIds.put(e.getKey(), id(e.getKey()));
        }
        return batchIds;
    }

    private long id(String group) throws SQLException {
        Long id = ids.get(group);
        if (id != null) return id;
        findId.setString(1, group);
        try (ResultSet r = findId.executeQuery()) {
            if (!r.next()) throw new SQLException("group row missing after upsert: " + group);
            id = r.getLong(1);
        }
        ids.put(group, id);
        return id;
    }

    private void prepare() throws SQLException {
        if (upsert != null) return;
        upsert = db.prepareStatement("INSERT INTO groups(name, last_seq, created) VALUES (?, ?, ?)"
                + " ON CONFLICT(name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)");
        findId = db.prepareStatement("SELECT id FROM groups WHERE name = ?");
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // SQLite rolls back by itself after some errors (a full disk); nothing is left open
        }
    }

    /**
     * Whether the database is at its page limit: after SQLITE_FULL the driver sometimes reports
     * only the rolled-back transaction's "cannot commit", so the cause is read from the file.
     */
    boolean atPageLimit() {
        try (var s = db.createStatement()) {
            long pages, max;
            try (ResultSet r = s.executeQuery("PRAGMA page_count")) {
                pages = r.next() ? r.getLong(1) : 0;
            }
            try (ResultSet r = s.executeQuery("PRAGMA max_page_count")) {
                max = r.next() ? r.getLong(1) : Long.MAX_VALUE;
            }
            return pages >= max;
        } catch (SQLException e) {
            return false;
        }
    }

    void close() {
        for (PreparedStatement p : new PreparedStatement[] {upsert, findId}) Sqlite.closeQuietly(p);
        for (PreparedStatement p : inserts) Sqlite.closeQuietly(p);
        upsert = findId = null;
        java.util.Arrays.fill(inserts, null);
    }
}
