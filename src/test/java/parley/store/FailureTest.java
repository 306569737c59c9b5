package parley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static parley.store.StoreFixture.all;
import static parley.store.StoreFixture.append;
import static parley.store.StoreFixture.options;
import static parley.store.StoreFixture.sync;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.server.Store;

/** A corrupt file at start, and a full disk while running. */
@org.junit.jupiter.api.Timeout(60)
class FailureTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNoDatabaseIsMovedAsideAndANewStoreMade() throws Exception {
        Files.writeString(dir.resolve("parley.db"), "this is not a database, ".repeat(500), StandardCharsets.UTF_8);
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            assertThat(s.replacedFile()).isNotNull().exists();
            assertThat(s.replacedFile().getFileName().toString()).startsWith("parley.db.corrupt-");
            assertThat(Files.readString(s.replacedFile())).startsWith("this is not a database");
            assertThat(s.stats().replacedCorrupt()).isEqualTo(1);
            append(s, "g", 1, 3, 0);
            sync(s);
            assertThat(all(s, "g")).hasSize(3);
        }
    }

    @Test
    void aDamagedHeaderIsReplacedWithANewEpoch() throws Exception {
        String epoch;
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            epoch = s.epoch();
            append(s, "g", 1, 100, 0);
        }
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("parley.db"), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[100]), 0); // zeroes over the 100-byte header
        }
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            assertThat(s.replacedFile()).isNotNull();
            assertThat(s.epoch()).isNotEqualTo(epoch);
            assertThat(s.cleanStart()).isTrue();
            assertThat(all(s, "g")).isEmpty();
            assertThat(s.load("g", 1, 0).lastSeq()).isZero(); // a new epoch: numbering starts again
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("corrupt"))).hasSize(1);
        }
    }

    @Test
    void aFullDiskFailsTheAcksWithAClearErrorThenRecoversByItself() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            append(s, "g", 1, 10, 0);
            sync(s);
            s.onWriter(db -> pragma(db, "PRAGMA max_page_count = " + currentPages(db)));
            String big = "y".repeat(8000);
            int n = 50;
            Acks failed = new Acks(n);
            for (int i = 0; i < n; i++) s.append("g", 11 + i, 0, "a", big, null, failed.ack("p" + i));
            assertThat(failed.await()).isTrue();
            assertThat(failed.told).allMatch(t -> t.endsWith(":failed:not stored: the disk is full"));
            Store.Stats st = s.stats();
            assertThat(st.postsFailed()).isEqualTo(n);
            assertThat(st.errors().get(Store.Stats.ERROR_KINDS.indexOf("disk_full"))).isPositive();
            // the seqs were delivered: numbering must not resume below them
            assertThat(s.load("g", 0, 0).lastSeq()).isEqualTo(10 + n);

            s.onWriter(db -> pragma(db, "PRAGMA max_page_count = 1073741823"));
            Acks ok = new Acks(1);
            s.append("g", 11 + n, 0, "a", big, null, ok.ack("later"));
            assertThat(ok.await()).isTrue();
            assertThat(ok.told).containsExactly("later:stored");
            assertThat(all(s, "g")).extracting(Store.StoredMessage::seq).startsWith(1L, 2L).endsWith(11L + n);
        }
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            assertThat(s.cleanStart()).isTrue();
            assertThat(s.load("g", 0, 0).lastSeq()).isEqualTo(11 + 50);
        }
    }

    private static long currentPages(java.sql.Connection db) {
        try (Statement st = db.createStatement(); var r = st.executeQuery("PRAGMA page_count")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new RuntimeException(e);
        }
    }

    private static void pragma(java.sql.Connection db, String sql) {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new RuntimeException(e);
        }
    }

    @SuppressWarnings("unused")
    private static List<String> names(Path d) throws Exception {
        try (var f = Files.list(d)) {
            return f.map(p -> p.getFileName().toString()).toList();
        }
    }
}
