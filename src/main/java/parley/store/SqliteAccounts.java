package parley.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import parley.accounts.AccountRecords;

/**
 * The {@code accounts} table, on a connection of its own: sign-ins are rare and small next to
 * posts, so they do not queue behind the writer's batches; SQLite serialises the two writers (the
 * busy timeout covers a batch in progress). One connection, used under this object's lock.
 */
final class SqliteAccounts implements AccountRecords, AutoCloseable {
    private final Connection db;

    SqliteAccounts(Path file) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(5000);
        db = c.createConnection("jdbc:sqlite:" + file);
    }

    @Override
    public synchronized Optional<Stored> find(String name) {
        try (PreparedStatement s = db.prepareStatement("SELECT id, name, hash FROM accounts WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Stored(r.getLong(1), r.getString(2), r.getString(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read accounts: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Stored insert(String name, String hash) {
        if (find(name).isPresent()) return null;
        try (PreparedStatement s = db.prepareStatement(
                "INSERT INTO accounts(name, hash, created) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING")) {
            s.setString(1, name);
            s.setString(2, hash);
            s.setLong(3, System.currentTimeMillis());
            if (s.executeUpdate() == 0) return null;
        } catch (SQLException e) {
            throw new StoreException("cannot add an account: " + e.getMessage(), e);
        }
        return find(name).orElse(null);
    }

    @Override
    public synchronized void setHash(long id, String hash) {
        try (PreparedStatement s = db.prepareStatement("UPDATE accounts SET hash = ? WHERE id = ?")) {
            s.setString(1, hash);
            s.setLong(2, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot change a password: " + e.getMessage(), e);
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
