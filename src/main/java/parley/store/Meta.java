package parley.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The meta table's facts, settled at open: the epoch, whether the last stop was clean, and the
 * seq floor (where a group without a row starts numbering). An unclean stop raises every group's
 * {@code last_seq} and the floor by Q, in one transaction, before anything is appended.
 *
 * @param epoch    the store's name; new only with the store
 * @param clean    whether the previous run ended with {@code close()} (a new store counts as clean)
 * @param seqFloor lastSeq for a group that has no row
 * @param created  whether this open made the store
 * @param groups   group rows, for the log line
 */
record Meta(String epoch, boolean clean, long seqFloor, boolean created, long groups) {
    static final String EPOCH = "epoch", CLEAN_STOP = "clean_stop", SEQ_FLOOR = "seq_floor", CREATED = "created";

    /** Reads the facts, makes a new store's, applies an unclean stop's jump and clears the clean flag: one transaction. */
    static Meta settle(Connection db, long seqJump) throws SQLException {
        db.setAutoCommit(false);
        try {
            String epoch = get(db, EPOCH);
            boolean created = epoch == null;
            if (created) {
                epoch = newEpoch();
                put(db, EPOCH, epoch);
                put(db, SEQ_FLOOR, "0");
                put(db, CREATED, Long.toString(System.currentTimeMillis()));
            }
            boolean clean = created || "1".equals(get(db, CLEAN_STOP));
            long floor = Long.parseLong(get(db, SEQ_FLOOR));
            if (!clean) {
                try (PreparedStatement p = db.prepareStatement("UPDATE groups SET last_seq = last_seq + ?")) {
                    p.setLong(1, seqJump);
                    p.executeUpdate();
                }
                floor += seqJump;
                put(db, SEQ_FLOOR, Long.toString(floor));
            }
            put(db, CLEAN_STOP, "0"); // until close() sets it after its final commit
            long groups;
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM groups")) {
                groups = r.next() ? r.getLong(1) : 0;
            }
            db.commit();
            return new Meta(epoch, clean, floor, created, groups);
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Marks a clean stop: called after the final commit. */
    static void markClean(Connection db) throws SQLException {
        put(db, CLEAN_STOP, "1");
    }

    static String get(Connection db, String key) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    static void put(Connection db, String key, String value) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")) {
            p.setString(1, key);
            p.setString(2, value);
            p.executeUpdate();
        }
    }

    /** 16 hex digits from a strong random source: two stores' epochs do not collide by chance. */
    static String newEpoch() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
