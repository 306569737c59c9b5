package parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import parley.log.Log;

/**
 * What the store keeps: messages younger than the age limit, at most so many per group, and at
 * most so many bytes in all, the oldest deleted first. It runs on the writer's thread between
 * batches, a step at a time: each step deletes at most {@link #ROWS_PER_STEP} rows in a few small
 * transactions, then gives the freed pages back to the file system (incremental vacuum), so that
 * posts never wait long behind it. A step that left work to do runs again soon; otherwise once a
 * second.
 */
final class Retention {
    static final int ROWS_PER_TXN = 500;
    /** Smaller for the byte limit, which is checked after each: it stops close under the limit. */
    static final int ROWS_PER_BYTES_TXN = 100;
    static final int ROWS_PER_STEP = 2000;
    static final long IDLE_MILLIS = 1000, BUSY_MILLIS = 10;
    /** Pages given back per step: a bounded amount of file work between batches. */
    static final int VACUUM_PAGES = 4096;

    private final Connection db;
    private final Duration maxAge;
    private final long maxPerGroup;
    private final long maxBytes;
    private final Counters counters;
    /** Groups that received posts since their count was last checked. */
    private final Set<String> touched = new HashSet<>();
    private long nextStep = System.currentTimeMillis() + IDLE_MILLIS;
    private PreparedStatement byAge, oldest, range, cutoff, byCount;

    Retention(Connection db, StoreOptions o, Counters counters) {
        this.db = db;
        this.maxAge = o.retainAge();
        this.maxPerGroup = o.retainMessages();
        this.maxBytes = o.retainBytes();
        this.counters = counters;
    }

    void touched(List<Writer.Post> posts) {
        for (Writer.Post p : posts) touched.add(p.group());
    }

    long dueInMillis() {
        return Math.max(0, nextStep - System.currentTimeMillis());
    }

    /** One step: deletes up to {@link #ROWS_PER_STEP} rows and gives back free pages. Returns the rows deleted. */
    long step() {
        long deleted = 0;
        try {
            prepare();
            deleted += byAge(ROWS_PER_STEP);
            deleted += byCount(ROWS_PER_STEP - deleted);
            deleted += byBytes(ROWS_PER_STEP - deleted);
            boolean more = deleted >= ROWS_PER_STEP;
            if (deleted > 0 || freePages() > 0) more |= vacuum();
            counters.deleted(deleted);
            nextStep = System.currentTimeMillis() + (more ? BUSY_MILLIS : IDLE_MILLIS);
        } catch (SQLException | RuntimeException e) {
            counters.error(e instanceof SQLException se ? Sqlite.kind(se) : Sqlite.Kind.OTHER);
            Log.warn("store.retention_failed", "error", String.valueOf(e.getMessage()));
            nextStep = System.currentTimeMillis() + IDLE_MILLIS;
        }
        return deleted;
    }

    private long byAge(long budget) throws SQLException {
        if (maxAge.isZero() || budget <= 0) return 0;
        byAge.setLong(1, System.currentTimeMillis() - maxAge.toMillis());
        return repeat(byAge, budget);
    }

    /** Each touched group over its count: delete its oldest down to the limit. Cheap for the rest (two index probes). */
    private long byCount(long budget) throws SQLException {
        long deleted = 0;
        for (Iterator<String> it = touched.iterator(); it.hasNext() && deleted < budget; ) {
            String group = it.next();
            range.setString(1, group);
            long min, max;
            try (ResultSet r = range.executeQuery()) {
                if (!r.next() || r.getObject(1) == null) {
                    it.remove();
                    continue;
                }
                min = r.getLong(1);
                max = r.getLong(2);
            }
            if (max - min + 1 <= maxPerGroup) { // seqs are unique: at most this many rows
                it.remove();
                continue;
            }
            cutoff.setString(1, group);
            cutoff.setLong(2, maxPerGroup);
            long last; // the newest seq to delete
            try (ResultSet r = cutoff.executeQuery()) {
                if (!r.next()) {
                    it.remove();
                    continue;
                }
                last = r.getLong(1);
            }
            byCount.setString(1, group);
            byCount.setLong(2, last);
            long n = repeat(byCount, budget - deleted);
            deleted += n;
            if (deleted < budget) it.remove();
        }
        return deleted;
    }

    private long byBytes(long budget) throws SQLException {
        if (maxBytes == 0) return 0;
        long deleted = 0;
        while (deleted < budget && usedBytes() > maxBytes) {
            long n = run(oldest);
            if (n == 0) break;
            deleted += n;
        }
        return deleted;
    }

    /** Runs a limited delete until it deletes nothing or the budget is spent, a transaction each. */
    private static long repeat(PreparedStatement delete, long budget) throws SQLException {
        long deleted = 0;
        while (deleted < budget) {
            long n = run(delete);
            deleted += n;
            if (n < ROWS_PER_TXN) break;
        }
        return deleted;
    }

    private static long run(PreparedStatement delete) throws SQLException {
        return delete.executeUpdate(); // auto-commit: one small transaction
    }

    /** Gives up to {@link #VACUUM_PAGES} free pages back; true if more remain. */
    private boolean vacuum() throws SQLException {
        // SQLite frees one page per step of this pragma, and the driver steps a statement once
        // per execute (and refuses executeQuery, since it has no columns): so it is executed
        // once per page, all in one transaction (about 2 microseconds a page here).
        long pages = Math.min(freePages(), VACUUM_PAGES);
        if (pages == 0) return false;
        db.setAutoCommit(false);
        try {
            for (long i = 0; i < pages; i++) {
                // closed at once: a statement left mid-way would keep the commit from completing
                try (Statement s = db.createStatement()) {
                    s.execute("PRAGMA incremental_vacuum(1)");
                }
            }
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
        return freePages() > 0;
    }

    long usedBytes() throws SQLException {
        return (pragma("page_count") - freePages()) * pragma("page_size");
    }

    private long freePages() throws SQLException {
        return pragma("freelist_count");
    }

    private long pragma(String name) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + name)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private void prepare() throws SQLException {
        if (byAge != null) return;
        String limit = " LIMIT " + ROWS_PER_TXN + ")";
        byAge = db.prepareStatement("DELETE FROM messages WHERE (group_id, seq) IN"
                + " (SELECT group_id, seq FROM messages WHERE ts < ? ORDER BY ts" + limit);
        oldest = db.prepareStatement("DELETE FROM messages WHERE (group_id, seq) IN"
                + " (SELECT group_id, seq FROM messages ORDER BY ts LIMIT " + ROWS_PER_BYTES_TXN + ")");
        range = db.prepareStatement("SELECT min(seq), max(seq) FROM messages"
                + " WHERE group_id = (SELECT id FROM groups WHERE name = ?)");
        cutoff = db.prepareStatement("SELECT seq FROM messages WHERE group_id = (SELECT id FROM groups WHERE name = ?)"
                + " ORDER BY seq DESC LIMIT 1 OFFSET ?");
        byCount = db.prepareStatement("DELETE FROM messages WHERE group_id = (SELECT id FROM groups WHERE name = ?1)"
                + " AND seq IN (SELECT seq FROM messages WHERE group_id = (SELECT id FROM groups WHERE name = ?1)"
                + " AND seq <= ?2 ORDER BY seq" + limit);
    }

    void close() {
        for (PreparedStatement p : new PreparedStatement[] {byAge, oldest, range, cutoff, byCount}) Sqlite.closeQuietly(p);
    }
}
