package parley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static parley.store.StoreFixture.all;
import static parley.store.StoreFixture.append;
import static parley.store.StoreFixture.options;
import static parley.store.StoreFixture.sync;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.server.Store;

/** Retention by age, by count per group and by bytes, oldest first, with the freed pages given back. */
@org.junit.jupiter.api.Timeout(60)
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void byAgeDeletesOnlyOlderMessagesAndKeepsTheGroupsSeq() throws Exception {
        StoreOptions o = options(dir).withRetention(Duration.ofHours(1), 100_000, 0);
        long now = System.currentTimeMillis();
        try (SqliteStore s = SqliteStore.open(o)) {
            for (long seq = 1; seq <= 30; seq++) s.append("old", seq, now - Duration.ofDays(2).toMillis(), "a", "x", null, null);
            for (long seq = 1; seq <= 10; seq++) s.append("mixed", seq, seq <= 4 ? now - 7_200_000 : now, "a", "x", null, null);
            sync(s);
            assertThat(s.retainNow()).isEqualTo(34);
            assertThat(all(s, "old")).isEmpty();
            assertThat(s.exists("old")).isFalse();
            assertThat(s.groupsAfter(null, 10)).containsExactly("mixed");
            assertThat(s.retained("mixed")).containsExactly(5, 10);
            assertThat(s.load("old", 10, 0).lastSeq()).isEqualTo(30); // the row stays: seqs are not reused
            assertThat(s.stats().retentionDeleted()).isEqualTo(34);
        }
    }

    @Test
    void byCountKeepsTheNewestOfEachGroup() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir).withRetention(Duration.ZERO, 100, 0))) {
            append(s, "big", 1, 3_350, 0);
            append(s, "small", 1, 40, 0);
            sync(s);
            assertThat(s.retainNow()).isEqualTo(3_250);
            assertThat(s.retained("big")).containsExactly(3_251, 3_350);
            assertThat(all(s, "big")).hasSize(100);
            assertThat(all(s, "small")).hasSize(40);
        }
    }

    @Test
    void byCountCountsRowsNotSeqsWhenSeqsHaveGaps() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir).withRetention(Duration.ZERO, 100, 0))) {
            append(s, "g", 1, 60, 0);
            append(s, "g", 1_000, 1_059, 0); // a jump, as after an unclean stop: 120 rows
            sync(s);
            s.retainNow(); // (retention may also have run by itself: the rows kept are what counts)
            assertThat(s.retained("g")).containsExactly(21, 1_059);
            assertThat(all(s, "g")).hasSize(100);
        }
    }

    @Test
    void byCountFollowsLaterBatchesADropAndARepeatedSeq() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir).withRetention(Duration.ZERO, 100, 0))) {
            append(s, "g", 1, 150, 0);
            sync(s);
            s.retainNow(); // counted once here (retention may also run by itself: the rows kept are what counts)
            assertThat(s.retained("g")).containsExactly(51, 150);
            append(s, "g", 151, 180, 0);
            sync(s);
            s.retainNow(); // from the kept count
            assertThat(s.retained("g")).containsExactly(81, 180);

            s.drop("g");
            append(s, "g", 181, 230, 0);
            sync(s);
            s.retainNow(); // 50 rows since the Drop, not 150
            assertThat(all(s, "g")).hasSize(50);

            append(s, "g", 231, 330, 0);
            sync(s);
            s.retainNow(); // counted again
            assertThat(s.retained("g")).containsExactly(231, 330);
            s.append("g", 300, 0, "a", "again", null, null); // ignored: seq 300 is stored
            sync(s);
            s.retainNow();
            assertThat(s.retained("g")).containsExactly(231, 330);
            assertThat(all(s, "g")).hasSize(100);
        }
    }

    @Test
    void byCountFollowsDeletionsByAge() throws Exception {
        long now = System.currentTimeMillis(), old = now - Duration.ofDays(2).toMillis();
        try (SqliteStore s = SqliteStore.open(options(dir).withRetention(Duration.ofHours(1), 100, 0))) {
            append(s, "g", 1, 150, now);
            sync(s);
            s.retainNow(); // counted: 150, then 100 kept
            assertThat(s.retained("g")).containsExactly(51, 150);
            for (long seq = 151; seq <= 180; seq++) s.append("g", seq, old, "a", "x", null, null);
            sync(s);
            s.retainNow(); // the 30 old ones go by age; the kept count must lose them too
            assertThat(s.retained("g")).containsExactly(51, 150);
            assertThat(all(s, "g")).hasSize(100);
        }
    }

    @Test
    void byBytesDeletesTheOldestOverAllGroupsAndGivesTheSpaceBack() throws Exception {
        long limit = 256 * 1024;
        try (SqliteStore s = SqliteStore.open(options(dir).withQueue(5000, 1000).withRetention(Duration.ZERO, 100_000, limit))) {
            s.pauseWriter(); // fill first: retention must not run between batches yet
            String text = "x".repeat(400);
            long now = System.currentTimeMillis();
            for (long seq = 1; seq <= 4000; seq++) {
                s.append(seq % 2 == 0 ? "even" : "odd", seq, now + seq, "a", text, null, null);
            }
            s.resumeWriter();
            sync(s);
            long before = pages(s, "page_count");
            assertThat(before * 4096).isGreaterThan(4 * limit);
            s.retainNow();
            long after = pages(s, "page_count");
            assertThat(pages(s, "freelist_count")).isZero();
            assertThat(after).isLessThan(before / 3);
            assertThat((after - pages(s, "freelist_count")) * pages(s, "page_size")).isLessThanOrEqualTo(limit);
            // the oldest went first, from both groups
            long[] odd = s.retained("odd"), even = s.retained("even");
            assertThat(odd[1]).isEqualTo(3999);
            assertThat(even[1]).isEqualTo(4000);
            assertThat(Math.abs(odd[0] - even[0])).isLessThanOrEqualTo(1);
            assertThat(odd[0]).isGreaterThan(2000);
        }
    }

    @Test
    void retentionRunsByItselfOnTheWriter() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir).withRetention(Duration.ZERO, 10, 0))) {
            append(s, "g", 1, 500, 0);
            sync(s);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> s.stats().retentionDeleted() == 490);
            Store.Stats st = s.stats();
            assertThat(st.postsStored()).isEqualTo(500);
        }
    }

    static long pages(SqliteStore s, String pragma) throws Exception {
        long[] v = {0};
        s.onWriter(db -> {
            try (Statement st = db.createStatement(); ResultSet r = st.executeQuery("PRAGMA " + pragma)) {
                r.next();
                v[0] = r.getLong(1);
            } catch (SQLException e) {
                throw new RuntimeException(e);
            }
        });
        return v[0];
    }
}
