package parley.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A few read-only connections that serve history: under WAL each reads the last commit and
 * neither waits for the writer nor holds it up. A caller borrows one for a query and gives it
 * back; when all are lent, the next caller waits for one. Each keeps its prepared statements.
 */
final class Readers implements AutoCloseable {
    /** Connections: enough for a few joiners' loads and Fetches at once on a small machine. */
    static final int SIZE = 4;

    /** A connection and its statements, used by one thread at a time. */
    static final class Reader {
        final Connection db;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        Reader(Connection db) {
            this.db = db;
        }

        PreparedStatement statement(String sql) throws SQLException {
            PreparedStatement p = statements.get(sql);
            if (p == null) {
                p = db.prepareStatement(sql);
                statements.put(sql, p);
            }
            return p;
        }

        void close() {
            try {
                for (PreparedStatement p : statements.values()) p.close();
                db.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    interface Query<T> {
        T run(Reader r) throws SQLException;
    }

    private final BlockingQueue<Reader> idle = new ArrayBlockingQueue<>(SIZE);
    private final List<Reader> all = new ArrayList<>();

    Readers(Path db) throws SQLException {
        try {
            for (int i = 0; i < SIZE; i++) {
                Reader r = new Reader(Sqlite.reader(db));
                all.add(r);
                idle.add(r);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** Runs {@code q} on a borrowed connection. */
    <T> T with(Query<T> q) throws SQLException {
        Reader r;
        try {
            r = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a read connection", e);
        }
        try {
            return q.run(r);
        } finally {
            idle.add(r);
        }
    }

    @Override
    public void close() {
        for (Reader r : all) r.close();
    }
}
