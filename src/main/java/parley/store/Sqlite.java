package parley.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/** Opening connections, and telling SQLite's errors apart: what the driver's surface needs and no more. */
final class Sqlite {
    /** Error kinds, as {@link parley.server.Store.Stats#ERROR_KINDS} lists them. */
    enum Kind {
        DISK_FULL, CORRUPT, BUSY, IO, OTHER
    }

    // SQLite's primary result codes (the low byte of an extended code).
    private static final int BUSY = 5, LOCKED = 6, IOERR = 10, CORRUPT = 11, FULL = 13, CANTOPEN = 14, NOTADB = 26;

    private Sqlite() {}

    /** The writer's connection: the only one that writes. Transactions are explicit (auto-commit off). */
    static Connection writer(Path db, StoreOptions.Sync sync) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(5000);
        // Nothing reads generated keys; with them on, the driver runs a second query after every
        // insert and update to fetch them.
        c.setGetGeneratedKeys(false);
        Connection conn = c.createConnection("jdbc:sqlite:" + db);
        try (Statement s = conn.createStatement()) {
            // Before any table exists, or it has no effect: freed pages can then be given back
            // to the file system a few at a time (PRAGMA incremental_vacuum) instead of by a full VACUUM.
            s.execute("PRAGMA auto_vacuum=INCREMENTAL");
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + sync.name());
            s.execute("PRAGMA foreign_keys=OFF");
        } catch (SQLException e) {
            conn.close();
            throw e;
        }
        return conn;
    }

    /** A read-only connection: under WAL it reads the last commit and never waits for the writer. */
    static Connection reader(Path db) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        c.setBusyTimeout(5000);
        return c.createConnection("jdbc:sqlite:" + db);
    }

    static Kind kind(SQLException e) {
        return switch (e.getErrorCode() & 0xff) {
            case FULL -> Kind.DISK_FULL;
            case CORRUPT, NOTADB -> Kind.CORRUPT;
            case BUSY, LOCKED -> Kind.BUSY;
            case IOERR, CANTOPEN -> Kind.IO;
            default -> Kind.OTHER;
        };
    }

    /** Whether opening failed because another process holds the file: never a reason to replace it. */
    static boolean busy(SQLException e) {
        return kind(e) == Kind.BUSY;
    }

    /** Closes a statement (or null) whose failure to close changes nothing: the store is closing it anyway. */
    static void closeQuietly(Statement statement) {
        if (statement == null) return;
        try {
            statement.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /** What an author is told when the post's batch failed. */
    static String why(Kind kind) {
        return switch (kind) {
            case DISK_FULL -> "not stored: the disk is full";
            case CORRUPT -> "not stored: the database file is damaged";
            case BUSY -> "not stored: the database is busy";
            case IO -> "not stored: the disk could not be written";
            case OTHER -> "not stored: the store failed";
        };
    }
}
