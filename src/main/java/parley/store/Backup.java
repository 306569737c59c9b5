package parley.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An online copy: {@code VACUUM INTO} on a read-only connection writes one consistent snapshot
 * (the last commit when it began) to a new file, while the server goes on writing; it needs no
 * lock of the data directory, only to read the file. The copy is compact and has no -wal.
 */
public final class Backup {
    /** What a copy holds. */
    public record Result(Path file, long bytes, long messages, long groups, String epoch) {}

    private Backup() {}

    /** Copies the store in {@code dataDir} to {@code target}, which must not exist. */
    public static Result copy(Path dataDir, Path target) throws SQLException {
        Path db = dataDir.resolve(DataDir.DATABASE);
        if (!Files.isRegularFile(db)) throw new StoreException("no store at " + db);
        if (Files.exists(target)) throw new StoreException(target + " already exists: give a new file name");
        try (Connection c = Sqlite.reader(db)) {
            return copy(c, target);
        }
    }

    /** As {@link #copy(Path, Path)}, on a connection the caller holds (a store's reader). */
    static Result copy(Connection c, Path target) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("VACUUM INTO ?")) {
            p.setString(1, target.toString());
            p.execute();
        }
        return describe(target);
    }

    /** Opens a copy and says what it holds: proof that it is a readable store. */
    public static Result describe(Path file) throws SQLException {
        try (Connection c = Sqlite.reader(file); Statement s = c.createStatement()) {
            long messages = count(s, "SELECT count(*) FROM messages");
            long groups = count(s, "SELECT count(*) FROM groups");
            String epoch = Meta.get(c, Meta.EPOCH);
            long bytes;
            try {
                bytes = Files.size(file);
            } catch (java.io.IOException e) {
                bytes = -1;
            }
            return new Result(file, bytes, messages, groups, epoch);
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
