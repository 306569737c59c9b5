package parley.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sqlite.SQLiteConfig;
import parley.server.Accounts.Account;
import parley.server.DirectStore;

/**
 * Direct messages in the store (schema step 3: {@code conversations}, {@code directs},
 * {@code blocks}), on a connection of their own, as the accounts are: a direct message is
 * committed before its sender hears {@code Sent}, without queueing behind the writer's batches of
 * posts; SQLite serialises the two writers (the busy timeout covers a batch in progress). One
 * connection, used under this object's lock.
 *
 * <p>Retention follows the store's: each conversation keeps its newest {@code --retain-messages},
 * and messages older than {@code --retain-age} are deleted (checked at most once a minute, on the
 * next message). {@code --retain-bytes} counts group messages only.
 */
final class SqliteDirects implements DirectStore {
    private static final long AGE_CHECK_MILLIS = 60_000;

    private final Connection db;
    private final Duration retainAge;
    private final long retainMessages;
    private long nextAgeCheck;

    SqliteDirects(Path file, StoreOptions options) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(5000);
        db = c.createConnection("jdbc:sqlite:" + file);
        retainAge = options.retainAge();
        retainMessages = options.retainMessages();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    /** One conversation row as this account sees it. */
    private record Row(long id, long lastSeq, long read, boolean mineIsA) {}

    @Override
    public synchronized Appended append(Account from, Account to, String text, String id, long ts, long idsSince) {
        try {
            db.setAutoCommit(false);
            try {
                Appended a = appendInTransaction(from, to, text, id, ts, idsSince);
                db.commit();
                return a;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot store a direct message: " + e.getMessage(), e);
        }
    }

    private Appended appendInTransaction(Account from, Account to, String text, String id, long ts, long idsSince)
            throws SQLException {
        Row c = row(from, to, true);
        if (id != null) {
            DirectMessage earlier = earlier(c.id(), from, to, id, idsSince);
            if (earlier != null) return new Appended(earlier, false);
        }
        long seq = c.lastSeq() + 1;
        update("INSERT INTO directs(conversation, seq, ts, sender, body, client_id) VALUES (?, ?, ?, ?, ?, ?)",
                c.id(), seq, ts, from.id(), text, id);
        update("UPDATE conversations SET last_seq = ?, active = ?, " + (c.mineIsA() ? "a_read" : "b_read")
                + " = ? WHERE id = ?", seq, ts, seq, c.id());
        update("DELETE FROM directs WHERE conversation = ? AND seq <= ?", c.id(), seq - retainMessages);
        if (!retainAge.isZero() && ts >= nextAgeCheck) {
            nextAgeCheck = ts + AGE_CHECK_MILLIS;
            update("DELETE FROM directs WHERE ts < ?", ts - retainAge.toMillis());
        }
        return new Appended(new DirectMessage(seq, ts, from.name(), to.name(), text), true);
    }

    /** The message the sender already sent with this id at or after {@code since}, or null. */
    private DirectMessage earlier(long conversation, Account from, Account to, String id, long since) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT seq, ts, body FROM directs WHERE conversation = ?"
                + " AND client_id = ? AND sender = ? AND ts >= ? ORDER BY seq DESC LIMIT 1")) {
            bind(s, conversation, id, from.id(), since);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new DirectMessage(r.getLong(1), r.getLong(2), from.name(), to.name(), r.getString(3)) : null;
            }
        }
    }

    @Override
    public synchronized long newest(Account a, Account b) {
        return read(() -> {
            Row c = row(a, b, false);
            return c == null ? 0L : c.lastSeq();
        });
    }

    @Override
    public synchronized List<DirectMessage> page(Account me, Account with, long after, long before, int limit,
                                                 boolean newest) {
        return read(() -> {
            Row c = row(me, with, false);
            List<DirectMessage> out = new ArrayList<>();
            if (c == null) return out;
            try (PreparedStatement s = db.prepareStatement("SELECT seq, ts, sender, body FROM directs WHERE conversation = ?"
                    + " AND seq > ? AND seq < ? ORDER BY seq " + (newest ? "DESC" : "ASC") + " LIMIT ?")) {
                bind(s, c.id(), after, before, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        boolean mine = r.getLong(3) == me.id();
                        out.add(new DirectMessage(r.getLong(1), r.getLong(2), mine ? me.name() : with.name(),
                                mine ? with.name() : me.name(), r.getString(4)));
                    }
                }
            }
            if (newest) Collections.reverse(out);
            return out;
        });
    }

    @Override
    public synchronized long[] retained(Account me, Account with) {
        return read(() -> {
            Row c = row(me, with, false);
            if (c == null) return new long[] {0, 0};
            try (PreparedStatement s = db.prepareStatement("SELECT min(seq), max(seq) FROM directs WHERE conversation = ?")) {
                bind(s, c.id());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new long[] {r.getLong(1), r.getLong(2)} : new long[] {0, 0};
                }
            }
        });
    }

    @Override
    public synchronized List<Conversation> conversations(Account me, int limit) {
        return read(() -> {
            List<Conversation> out = new ArrayList<>();
            try (PreparedStatement s = db.prepareStatement("SELECT CASE WHEN a = ? THEN b_name ELSE a_name END, last_seq,"
                    + " CASE WHEN a = ? THEN a_read ELSE b_read END FROM conversations WHERE a = ? OR b = ?"
                    + " ORDER BY active DESC LIMIT ?")) {
                bind(s, me.id(), me.id(), me.id(), me.id(), limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(new Conversation(r.getString(1), r.getLong(2), r.getLong(3)));
                }
            }
            return out;
        });
    }

    @Override
    public synchronized long unread(Account me) {
        return read(() -> {
            // Per conversation, a range of its primary key above the marker: never a scan of every message.
            try (PreparedStatement s = db.prepareStatement("SELECT coalesce(sum((SELECT count(*) FROM directs d"
                    + " WHERE d.conversation = c.id AND d.seq > CASE WHEN c.a = ? THEN c.a_read ELSE c.b_read END"
                    + " AND d.sender <> ?)), 0) FROM conversations c WHERE c.a = ? OR c.b = ?")) {
                bind(s, me.id(), me.id(), me.id(), me.id());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public synchronized long markRead(Account me, Account with, long seq) {
        return read(() -> {
            Row c = row(me, with, false);
            if (c == null) return 0L;
            long marker = Math.max(c.read(), Math.min(seq, c.lastSeq()));
            update("UPDATE conversations SET " + (c.mineIsA() ? "a_read" : "b_read") + " = ? WHERE id = ?", marker, c.id());
            return marker;
        });
    }

    @Override
    public synchronized void block(Account me, Account other, boolean on) {
        read(() -> on ? update("INSERT OR IGNORE INTO blocks(blocker, blocked) VALUES (?, ?)", me.id(), other.id())
                : update("DELETE FROM blocks WHERE blocker = ? AND blocked = ?", me.id(), other.id()));
    }

    @Override
    public synchronized boolean blocks(Account blocker, Account sender) {
        return read(() -> {
            try (PreparedStatement s = db.prepareStatement("SELECT 1 FROM blocks WHERE blocker = ? AND blocked = ?")) {
                bind(s, blocker.id(), sender.id());
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /** The conversation of {@code me} and {@code other}, made if {@code create}; null if there is none. */
    private Row row(Account me, Account other, boolean create) throws SQLException {
        Account a = me.id() < other.id() ? me : other, b = a == me ? other : me;
        if (create) {
            update("INSERT OR IGNORE INTO conversations(a, b, a_name, b_name, last_seq, a_read, b_read, active)"
                    + " VALUES (?, ?, ?, ?, 0, 0, 0, 0)", a.id(), b.id(), a.name(), b.name());
        }
        try (PreparedStatement s = db.prepareStatement("SELECT id, last_seq, a_read, b_read FROM conversations"
                + " WHERE a = ? AND b = ?")) {
            bind(s, a.id(), b.id());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return null;
                boolean mineIsA = a == me;
                return new Row(r.getLong(1), r.getLong(2), mineIsA ? r.getLong(3) : r.getLong(4), mineIsA);
            }
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            bind(s, args);
            return s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs one statement's work, turning SQLite's failure into the store's. */
    private <T> T read(Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StoreException("cannot use the direct messages: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
