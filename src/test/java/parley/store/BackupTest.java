package parley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static parley.store.StoreFixture.append;
import static parley.store.StoreFixture.options;
import static parley.store.StoreFixture.sync;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The online copy: taken while posts keep arriving, it opens, is intact, and holds every committed message. */
@Timeout(60)
class BackupTest {
    @TempDir
    Path dir;

    @Test
    void aCopyTakenWhileAppendingHoldsEverythingCommittedBeforeIt() throws Exception {
        Path data = dir.resolve("data");
        try (SqliteStore s = SqliteStore.open(options(data).withQueue(4096, 1000))) {
            append(s, "g", 1, 20_000, 0);
            sync(s);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong next = new AtomicLong(20_001);
            Thread poster = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        long seq = next.getAndIncrement();
                        s.append("g", seq, seq, "ann", "later " + seq, null, null);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Backup.Result live = s.backup(dir.resolve("live.db"));
            // and by the command's path: a separate process's read-only connection
            Backup.Result offline = Backup.copy(data, dir.resolve("cli.db"));
            stop.set(true);
            poster.join();
            for (Backup.Result r : new Backup.Result[] {live, offline}) {
                assertThat(r.messages()).isGreaterThanOrEqualTo(20_000);
                assertThat(r.epoch()).isEqualTo(s.epoch());
                assertThat(integrity(r.file())).isEqualTo("ok");
                assertThat(contiguous(r.file())).isTrue(); // a snapshot: no holes in what it holds
            }
            assertThatThrownBy(() -> Backup.copy(data, dir.resolve("live.db"))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void aCopyOpensAsAStore() throws Exception {
        Path data = dir.resolve("data");
        String epoch;
        try (SqliteStore s = SqliteStore.open(options(data))) {
            epoch = s.epoch();
            append(s, "g", 1, 10, 0);
            sync(s);
            s.backup(dir.resolve("x.db"));
        }
        java.nio.file.Files.createDirectories(dir.resolve("restore"));
        java.nio.file.Files.move(dir.resolve("x.db"), dir.resolve("restore/parley.db"));
        try (SqliteStore s = SqliteStore.open(options(dir.resolve("restore")))) {
            assertThat(s.epoch()).isEqualTo(epoch);
            assertThat(StoreFixture.all(s, "g")).hasSize(10);
            assertThat(s.cleanStart()).isFalse(); // a copy of a running store: numbering jumps, to be safe
        }
    }

    private static String integrity(Path file) throws Exception {
        try (Connection c = Sqlite.reader(file); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("PRAGMA integrity_check")) {
            r.next();
            return r.getString(1);
        }
    }

    private static boolean contiguous(Path file) throws Exception {
        try (Connection c = Sqlite.reader(file); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("SELECT min(seq), max(seq), count(*) FROM messages")) {
            r.next();
            return r.getLong(2) - r.getLong(1) + 1 == r.getLong(3);
        }
    }
}
