package parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /**
     * The exact number of rows of groups once counted, kept up to date by {@link #touched} and by
     * this class's own deletes. Finding a group's cut by counting back {@code maxPerGroup} rows from
     * its newest took a scan of the whole limit (100,000 index entries by default) every 10 ms while
     * a busy group stayed over it: at 17,000 posts/s into one group the writer's CPU per post went
     * from 7 to 16-21 us. With the count, the cut is the oldest {@code count - maxPerGroup} rows, a
     * scan as long as what is deleted. Least recently used first out; a group left out is counted
     * again when it is next over its range.
     */
    private final Map<String, Long> counts = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_COUNTED;
        }
    };
    static final int MAX_COUNTED = 65_536;
    private long nextStep = System.currentTimeMillis() + IDLE_MILLIS;
    private PreparedStatement byAge, byAgeGroups, oldest, oldestGroups, range, cutoff, countRows, byCount;

    Retention(Connection db, StoreOptions o, Counters counters) {
        this.db = db;
        this.maxAge = o.retainAge();
        this.maxPerGroup = o.retainMessages();
        this.maxBytes = o.retainBytes();
        this.counters = counters;
    }

    /**
     * A batch is committed. {@code allInserted} is false when some of its rows were ignored (a seq
     * stored twice): the counts of its groups are then no longer known and are taken again.
     */
    void touched(List<Writer.Post> posts, boolean allInserted) {
        for (Writer.Post p : posts) {
            touched.add(p.group());
            if (allInserted) counts.computeIfPresent(p.group(), (g, n) -> n + 1);
            else counts.remove(p.group());
        }
    }

    /** The group's rows are gone (a Drop): its count is no longer known. */
    void forget(String group) {
        counts.remove(group);
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
            // A delete may have failed after others committed: no kept count can be trusted now.
            counts.clear();
            counters.error(e instanceof SQLException se ? Sqlite.kind(se) : Sqlite.Kind.OTHER);
            Log.warn("store.retention_failed", "error", String.valueOf(e.getMessage()));
            nextStep = System.currentTimeMillis() + IDLE_MILLIS;
        }
        return deleted;
    }

    private long byAge(long budget) throws SQLException {
        if (maxAge.isZero() || budget <= 0) return 0;
        long before = System.currentTimeMillis() - maxAge.toMillis();
        byAge.setLong(1, before);
        byAgeGroups.setLong(1, before);
        return repeat(() -> runCounted(byAgeGroups, byAge), budget);
    }

    /**
     * Runs one limited delete over any groups, first reading how many of its rows each group
     * loses, so that the kept counts follow it (clearing them instead made every busy group over
     * its count be counted again at each step of a store at its age or byte limit). The read and
     * the delete pick their rows by the same limited subquery on the writer's own connection, so
     * they pick the same rows; if the totals differ anyway, the counts are dropped.
     */
    private long runCounted(PreparedStatement losses, PreparedStatement delete) throws SQLException {
        Map<String, Long> lost = new java.util.HashMap<>();
        long expected = 0;
        try (ResultSet r = losses.executeQuery()) {
            while (r.next()) {
                lost.put(r.getString(1), r.getLong(2));
                expected += r.getLong(2);
            }
        }
        long n = run(delete);
        if (n != expected) counts.clear();
        else lost.forEach((g, k) -> counts.computeIfPresent(g, (x, c) -> c - k));
        return n;
    }

    /** Each touched group over its count: delete its oldest down to the limit. Cheap for the rest (two index probes). */
    private long byCount(long budget) throws SQLException {
        long deleted = 0;
        for (Iterator<String> it = touched.iterator(); it.hasNext() && deleted < budget; ) {
            String group = it.next();
            Long count = counts.get(group);
            if (count == null && !overRange(group)) { // two index probes settle most groups
                it.remove();
                continue;
            }
            if (count == null) counts.put(group, count = count(group));
            if (count <= maxPerGroup) {
                it.remove();
                continue;
            }
            cutoff.setString(1, group);
            cutoff.setLong(2, count - maxPerGroup - 1);
            long last; // the newest seq to delete: count - maxPerGroup rows from the oldest
            try (ResultSet r = cutoff.executeQuery()) {
                if (!r.next()) { // fewer rows than counted: count again next time
                    counts.remove(group);
                    it.remove();
                    continue;
                }
                last = r.getLong(1);
            }
            byCount.setString(1, group);
            byCount.setLong(2, last);
            long n = repeat(() -> run(byCount), budget - deleted);
            counts.put(group, count - n);
            deleted += n;
            if (deleted < budget) it.remove();
        }
        return deleted;
    }

    /** Whether the group's seqs span more than the limit: seqs are unique, so if not, it has no more rows than that. */
    private boolean overRange(String group) throws SQLException {
        range.setString(1, group);
        try (ResultSet r = range.executeQuery()) {
            return r.next() && r.getObject(1) != null && r.getLong(2) - r.getLong(1) + 1 > maxPerGroup;
        }
    }

    private long count(String group) throws SQLException {
        countRows.setString(1, group);
        try (ResultSet r = countRows.executeQuery()) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private long byBytes(long budget) throws SQLException {
        if (maxBytes == 0) return 0;
        long deleted = 0;
        while (deleted < budget && usedBytes() > maxBytes) {
            long n = runCounted(oldestGroups, oldest);
            if (n == 0) break;
            deleted += n;
        }
        return deleted;
    }

    /** Runs a limited delete until it deletes nothing or the budget is spent, a transaction each. */
    private static long repeat(Delete delete, long budget) throws SQLException {
        long deleted = 0;
        while (deleted < budget) {
            long n = delete.run();
            deleted += n;
            if (n < ROWS_PER_TXN) break;
        }
        return deleted;
    }

    /** One limited delete, a transaction; returns the rows it deleted. */
    private interface Delete {
        long run() throws SQLException;
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
        // Each delete over any groups and the read of what it will cost each group share one
        // subquery, so that they pick the same rows (see runCounted).
        String aged = "SELECT group_id, seq FROM messages WHERE ts < ? ORDER BY ts LIMIT " + ROWS_PER_TXN;
        String oldestRows = "SELECT group_id, seq FROM messages ORDER BY ts LIMIT " + ROWS_PER_BYTES_TXN;
        byAge = db.prepareStatement(deleting(aged));
        byAgeGroups = db.prepareStatement(lossesPerGroup(aged));
        oldest = db.prepareStatement(deleting(oldestRows));
        oldestGroups = db.prepareStatement(lossesPerGroup(oldestRows));
        range = db.prepareStatement("SELECT min(seq), max(seq) FROM messages"
                + " WHERE group_id = (SELECT id FROM groups WHERE name = ?)");
        cutoff = db.prepareStatement("SELECT seq FROM messages WHERE group_id = (SELECT id FROM groups WHERE name = ?)"
                + " ORDER BY seq LIMIT 1 OFFSET ?");
        countRows = db.prepareStatement("SELECT count(*) FROM messages"
                + " WHERE group_id = (SELECT id FROM groups WHERE name = ?)");
        byCount = db.prepareStatement("DELETE FROM messages WHERE group_id = (SELECT id FROM groups WHERE name = ?1)"
                + " AND seq IN (SELECT seq FROM messages WHERE group_id = (SELECT id FROM groups WHERE name = ?1)"
                + " AND seq <= ?2 ORDER BY seq" + limit);
    }

    /** Deletes the rows that {@code rows} (a query of group_id, seq) picks. */
    private static String deleting(String rows) {
        return "DELETE FROM messages WHERE (group_id, seq) IN (" + rows + ")";
    }

    /** How many of the rows that {@code rows} picks each group has, by group name. */
    private static String lossesPerGroup(String rows) {
        return "SELECT g.name, count(*) FROM (" + rows + ") m JOIN groups g ON g.id = m.group_id GROUP BY g.name";
    }

    void close() {
        for (PreparedStatement p : new PreparedStatement[] {byAge, byAgeGroups, oldest, oldestGroups, range, cutoff, countRows, byCount}) Sqlite.closeQuietly(p);
    }
}
