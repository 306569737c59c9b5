package parley.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Predicate;
import parley.log.Log;
import parley.server.Store;

/**
 * The {@link Store} in one SQLite file: see the package's documentation and docs/store.md. Opening
 * reads only the meta row and counts the group rows: groups and messages are read when asked for.
 */
public final class SqliteStore implements Store {
    private final StoreOptions options;
    private final DataDir dir;
    private final Connection writerDb;
    private final Readers readers;
    private final Writer writer;
    private final Retention retention;
    private final Counters counters;
    private final Meta meta;
    private final Path replaced;
    /** The highest queued seq of each group whose row does not hold it yet (see {@link #load}). */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** The direct messages' connection, opened when first asked for. */
    private SqliteDirects directs;
    /** The accounts table's connection, opened when first asked for. */
    private SqliteAccounts accounts;
    /** The moderation tables' connection, opened when first asked for. */
    private SqliteModeration moderation;

    private SqliteStore(StoreOptions options, DataDir dir, Connection writerDb, Meta meta, Counters counters,
                        Path replaced) throws SQLException {
        this.options = options;
        this.dir = dir;
        this.writerDb = writerDb;
        this.meta = meta;
        this.counters = counters;
        this.replaced = replaced;
        this.readers = new Readers(dir.database());
        this.retention = new Retention(writerDb, options, counters);
        this.writer = new Writer(writerDb, options, retention, counters, pending);
        writer.start();
    }

    /**
     * Opens (or creates) the store in {@code options.dir()}. A file SQLite cannot read is moved
     * aside and a new store made; a file of a newer schema, or a directory another server holds,
     * is refused with a {@link StoreException}.
     */
    public static SqliteStore open(StoreOptions options) {
        return open(options, Schema.MIGRATIONS);
    }

    static SqliteStore open(StoreOptions options, List<Schema.Migration> steps) {
        DataDir dir = DataDir.open(options.dir());
        Connection db = null;
        try {
            Counters counters = new Counters();
            Path replaced = null;
            Meta meta;
            try {
                db = Sqlite.writer(dir.database(), options.sync());
                meta = settle(db, options, steps);
            } catch (SQLException e) {
                if (Sqlite.busy(e)) throw new StoreException(dir.database() + " is locked by another process", e);
                closeQuietly(db);
                replaced = moveAside(dir, e);
                counters.replacedCorrupt();
                db = Sqlite.writer(dir.database(), options.sync());
                meta = settle(db, options, steps);
            }
            return new SqliteStore(options, dir, db, meta, counters, replaced);
        } catch (SQLException e) {
            closeQuietly(db);
            dir.close();
            throw new StoreException("cannot open the store " + dir.database() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(db);
            dir.close();
            throw e;
        }
    }

    private static Meta settle(Connection db, StoreOptions options, List<Schema.Migration> steps) throws SQLException {
        Schema.migrate(db, steps, db.getMetaData().getURL());
        return Meta.settle(db, options.seqJump());
    }

    private static Path moveAside(DataDir dir, SQLException why) {
        try {
            Path moved = dir.moveAside();
            Log.error("store.corrupt_replaced", null, "file", dir.database(), "moved_to", moved,
                    "error", why.getMessage(), "action", "a new, empty store with a new epoch is used");
            return moved;
        } catch (IOException e) {
            throw new StoreException("the store " + dir.database() + " cannot be read (" + why.getMessage()
                    + ") and cannot be moved aside: " + e, e);
        }
    }

    // ------------------------------------------------------------------ what the server asks

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public String epoch() {
        return meta.epoch();
    }

    @Override
    public void append(String group, long seq, long ts, String from, String text, String id, Ack ack)
            throws InterruptedException {
        if (closed) {
            Writer.tell(ack, "not stored: the store is closed");
            return;
        }
        pending.merge(group, seq, Math::max);
        writer.put(new Writer.Post(group, seq, ts, from, text, id, ack));
    }

    @Override
    public void appendEvent(String group, long seq, long ts, String by, String line) throws InterruptedException {
        if (closed) return;
        pending.merge(group, seq, Math::max);
        writer.put(new Writer.Post(group, seq, ts, by, line, null, null, true));
    }

    /**
     * Deletes the group's messages on the writer's thread, after what is queued, and waits for it:
     * once a Drop is answered, nothing of the group is left to load. Its row (and numbering) stays.
     */
    @Override
    public void drop(String group) {
        if (closed) return;
        CountDownLatch done = new CountDownLatch(1);
        try {
            writer.put(new Writer.Task(db -> {
                try (PreparedStatement p = db.prepareStatement(
                        "DELETE FROM messages WHERE group_id = (SELECT id FROM groups WHERE name = ?)")) {
                    p.setString(1, group);
                    p.executeUpdate();
                    retention.forget(group);
                } catch (SQLException e) {
                    counters.error(Sqlite.kind(e));
                    Log.warn("store.drop_failed", "group", group, "error", e.getMessage());
                } finally {
                    done.countDown();
                }
            }));
            // Bounded: a store closing meanwhile runs no more tasks.
            if (!done.await(30, java.util.concurrent.TimeUnit.SECONDS)) Log.warn("store.drop_slow", "group", group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean backlogged() {
        return writer.full();
    }

    @Override
    public void afterQueued(Ack ack) throws InterruptedException {
        if (closed) {
            Writer.tell(ack, "not stored: the store is closed");
            return;
        }
        writer.put(new Writer.Marker(ack));
    }

    /**
     * The group's state. If some of its posts are still queued (it left memory and came back
     * before the writer caught up), waits for them first, so that its numbering resumes past them
     * and its recent messages include them.
     */
    @Override
    public GroupState load(String group, int recent, long idsSince) {
        if (pending.containsKey(group)) awaitQueued();
        GroupState s = query(GroupState.EMPTY, r -> loadFrom(r, group, recent, idsSince));
        Long queued = pending.get(group); // a failed batch's seqs, not yet in the row
        return queued == null || queued <= s.lastSeq() ? s : new GroupState(queued, s.recent(), s.ids());
    }

    private GroupState loadFrom(Readers.Reader r, String group, int recent, long idsSince) throws SQLException {
        PreparedStatement g = r.statement("SELECT id, last_seq FROM groups WHERE name = ?");
        g.setString(1, group);
        long id, lastSeq;
        try (ResultSet rs = g.executeQuery()) {
            if (!rs.next()) return new GroupState(meta.seqFloor(), List.of(), List.of());
            id = rs.getLong(1);
            lastSeq = rs.getLong(2);
        }
        List<StoredMessage> messages = new ArrayList<>();
        if (recent > 0) {
            PreparedStatement m = r.statement("SELECT seq, ts, sender, body, event FROM messages WHERE group_id = ?"
                    + " ORDER BY seq DESC LIMIT ?");
            m.setLong(1, id);
            m.setInt(2, recent);
            try (ResultSet rs = m.executeQuery()) {
                while (rs.next()) messages.add(message(rs));
            }
            Collections.reverse(messages);
        }
        PreparedStatement i = r.statement("SELECT client_id, seq, ts FROM messages WHERE group_id = ?"
                + " AND client_id IS NOT NULL AND ts > ? ORDER BY ts");
        i.setLong(1, id);
        i.setLong(2, idsSince);
        List<StoredId> ids = new ArrayList<>();
        try (ResultSet rs = i.executeQuery()) {
            while (rs.next()) ids.add(new StoredId(rs.getString(1), rs.getLong(2), rs.getLong(3)));
        }
        return new GroupState(lastSeq, List.copyOf(messages), List.copyOf(ids));
    }

    @Override
    public boolean exists(String group) {
        return query(false, r -> {
            PreparedStatement p = r.statement("SELECT 1 FROM messages"
                    + " WHERE group_id = (SELECT id FROM groups WHERE name = ?) LIMIT 1");
            p.setString(1, group);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        });
    }

    @Override
    public int read(String group, long after, long before, int limit, boolean newest, Predicate<StoredMessage> sink) {
        if (limit <= 0) return 0;
        String range = "SELECT seq, ts, sender, body, event FROM messages"
                + " WHERE group_id = (SELECT id FROM groups WHERE name = ?) AND seq > ? AND seq < ?";
        // The newest N, handed oldest first: the inner query picks them, the outer orders them.
        String sql = newest ? "SELECT * FROM (" + range + " ORDER BY seq DESC LIMIT ?) ORDER BY seq"
                : range + " ORDER BY seq LIMIT ?";
        return query(0, r -> {
            PreparedStatement p = r.statement(sql);
            p.setString(1, group);
            p.setLong(2, after);
            p.setLong(3, before);
            p.setInt(4, limit);
            int handed = 0;
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    handed++;
                    if (!sink.test(message(rs))) break;
                }
            }
            return handed;
        });
    }

    @Override
    public long[] retained(String group) {
        return query(new long[] {0, 0}, r -> {
            PreparedStatement p = r.statement("SELECT min(seq), max(seq) FROM messages"
                    + " WHERE group_id = (SELECT id FROM groups WHERE name = ?)");
            p.setString(1, group);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null) return new long[] {0, 0};
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
    }

    @Override
    public List<String> groupsAfter(String after, int limit) {
        if (limit <= 0) return List.of();
        return query(List.of(), r -> {
            PreparedStatement p = r.statement("SELECT name FROM groups g WHERE name > ?"
                    + " AND EXISTS (SELECT 1 FROM messages m WHERE m.group_id = g.id) ORDER BY name LIMIT ?");
            p.setString(1, after == null ? "" : after);
            p.setInt(2, limit);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) names.add(rs.getString(1));
            }
            return List.copyOf(names);
        });
    }

    @Override
    public Stats stats() {
        return counters.snapshot(writer::depth, options.queueCapacity(), dir::bytesOnDisk);
    }

    private static StoredMessage message(ResultSet rs) throws SQLException {
        return new StoredMessage(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5) != 0);
    }

    /** Runs a read; a failure is counted and logged, and the caller gets {@code otherwise}. */
    private <T> T query(T otherwise, Readers.Query<T> q) {
        try {
            return readers.with(q);
        } catch (SQLException e) {
            counters.error(Sqlite.kind(e));
            Log.warn("store.read_failed", "error", e.getMessage());
            return otherwise;
        }
    }

    private void awaitQueued() {
        CountDownLatch done = new CountDownLatch(1);
        Ack ack = new Ack() {
            @Override public void stored() { done.countDown(); }
            @Override public void failed(String why) { done.countDown(); }
        };
        try {
            afterQueued(ack);
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ what the operator asks

    /** A consistent copy of the committed store, taken while it runs. */
    public Backup.Result backup(Path target) throws SQLException {
        if (java.nio.file.Files.exists(target)) throw new StoreException(target + " already exists");
        return readers.with(r -> Backup.copy(r.db, target));
    }

    public Path path() {
        return dir.database();
    }

    /** Whether the previous run stopped cleanly (a new store counts as clean). */
    public boolean cleanStart() {
        return meta.clean();
    }

    /** Group rows when opened. */
    public long groupsAtOpen() {
        return meta.groups();
    }

    /** Where a corrupt file found at open was moved, or null. */
    public Path replacedFile() {
        return replaced;
    }

    /** The seq jump Q an unclean stop costs. */
    public long seqJump() {
        return options.seqJump();
    }

    /** The store's accounts (docs/accounts.md), on a connection of their own. */
    public synchronized parley.accounts.AccountRecords accounts() {
        if (accounts == null) {
            try {
                accounts = new SqliteAccounts(dir.database());
            } catch (SQLException e) {
                throw new StoreException("cannot open the accounts of " + dir.database() + ": " + e.getMessage(), e);
            }
        }
        return accounts;
    }

    /** The moderation tables (docs/moderation.md), on a connection of their own. */
    @Override
    public synchronized parley.moderation.ModerationRecords moderation() {
        if (moderation == null) {
            try {
                moderation = new SqliteModeration(dir.database());
            } catch (SQLException e) {
                throw new StoreException("cannot open the moderation records of " + dir.database() + ": " + e.getMessage(), e);
            }
        }
        return moderation;
    }

    /** The store's direct messages (docs/direct.md), on a connection of their own. */
    @Override
    public synchronized parley.server.DirectStore directs() {
        if (directs == null) {
            try {
                directs = new SqliteDirects(dir.database(), options);
            } catch (SQLException e) {
                throw new StoreException("cannot open the direct messages of " + dir.database() + ": " + e.getMessage(), e);
            }
        }
        return directs;
    }

    // ------------------------------------------------------------------ stopping

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            writer.put(new Writer.Stop());
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Writer.Item i : writer.leftovers()) {
            if (i instanceof Writer.Post p) Writer.tell(p.ack(), "not stored: the store is closed");
            if (i instanceof Writer.Marker m) Writer.tell(m.ack(), "not stored: the store is closed");
        }
        boolean clean = writer.recordUnrecorded() && markClean();
        writer.closeStatements();
        if (accounts != null) accounts.close();
        if (moderation != null) moderation.close();
        if (directs != null) directs.close();
        readers.close();
        checkpoint();
        closeQuietly(writerDb);
        dir.close();
        Log.info("store.closed", "path", dir.database(), "clean", clean);
    }

    private boolean markClean() {
        try {
            Meta.markClean(writerDb);
            return true;
        } catch (SQLException e) {
            counters.error(Sqlite.kind(e));
            Log.warn("store.unclean_close", "error", e.getMessage(), "next_start", "numbering jumps by " + seqJump());
            return false;
        }
    }

    /** Folds the write-ahead log into the file, so the copy on disk is one file between runs. */
    private void checkpoint() {
        try (Statement s = writerDb.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            Log.warn("store.checkpoint_failed", "error", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ test hooks

    /** Stops as a killed process would: the writer abandoned, no final commit, no clean flag. */
    void crash() throws InterruptedException {
        closed = true;
        writer.crash();
        readers.close();
        closeQuietly(writerDb);
        dir.close();
    }

    /** Runs retention on the writer's thread until it has nothing left to do; returns the rows it deleted. */
    long retainNow() throws Exception {
        long[] deleted = {0};
        onWriter(db -> {
            long n;
            do {
                n = retention.step();
                deleted[0] += n;
            } while (n > 0);
        });
        return deleted[0];
    }

    void pauseWriter() {
        writer.pause();
    }

    void resumeWriter() {
        writer.resume();
    }

    /** Runs {@code work} on the writer's thread, with its connection, between batches; waits for it. */
    void onWriter(Consumer<Connection> work) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        writer.put(new Writer.Task(db -> {
            try {
                work.accept(db);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }));
        done.get();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
