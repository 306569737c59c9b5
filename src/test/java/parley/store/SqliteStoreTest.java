package parley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static parley.store.StoreFixture.all;
import static parley.store.StoreFixture.append;
import static parley.store.StoreFixture.options;
import static parley.store.StoreFixture.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.server.Store;

/** The store alone, on real files: round trips, restarts clean and not, reads, ordering, the schema. */
@org.junit.jupiter.api.Timeout(60)
class SqliteStoreTest {
    @TempDir
    Path dir;

    @Test
    void aDropDeletesOnlyWhatWasQueuedBeforeIt() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            s.pauseWriter(); // one batch: five posts, the Drop, one more post
            append(s, "g", 1, 5, 0);
            Thread dropper = Thread.ofPlatform().start(() -> s.drop("g"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (s.stats().queueDepth() < 6 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(s.stats().queueDepth()).isEqualTo(6);
            s.append("g", 6, 0, "a", "after the drop", null, null);
            s.resumeWriter();
            dropper.join(10_000);
            sync(s);
            assertThat(all(s, "g")).extracting(Store.StoredMessage::seq).containsExactly(6L);
        }
    }

    @Test
    void theWriterRunsAtItsNiceValue() throws Exception {
        Integer mine = WriterPriority.current();
        org.junit.jupiter.api.Assumptions.assumeTrue(mine != null && mine == 0, "Linux, run at nice 0");
        for (int nice : new int[] {7, 0}) {
            Path d = dir.resolve("n" + nice);
            try (SqliteStore s = SqliteStore.open(options(d).withWriterNice(nice))) {
                Integer[] seen = {null};
                s.onWriter(db -> seen[0] = WriterPriority.current());
                assertThat(seen[0]).as("nice %d", nice).isEqualTo(nice);
            }
        }
    }

    @Test
    void appendCommitLoadRoundTrip() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            assertThat(s.persistent()).isTrue();
            assertThat(s.epoch()).matches("[0-9a-f]{16}");
            Acks acks = new Acks(2);
            s.append("g", 1, 1000, "ann", "hello", "c1", acks.ack("a"));
            s.append("g", 2, 1001, null, "world", null, acks.ack("b"));
            assertThat(acks.await()).isTrue();
            assertThat(acks.told).containsExactly("a:stored", "b:stored");

            Store.GroupState st = s.load("g", 10, 0);
            assertThat(st.lastSeq()).isEqualTo(2);
            assertThat(st.recent()).containsExactly(new Store.StoredMessage(1, 1000, "ann", "hello"),
                    new Store.StoredMessage(2, 1001, null, "world"));
            assertThat(st.ids()).containsExactly(new Store.StoredId("c1", 1, 1000));
            assertThat(s.load("g", 10, 1000).ids()).isEmpty();
            assertThat(s.load("g", 1, 0).recent()).extracting(Store.StoredMessage::seq).containsExactly(2L);
            assertThat(s.exists("g")).isTrue();
            assertThat(s.exists("other")).isFalse();
            assertThat(s.retained("g")).containsExactly(1, 2);
            assertThat(s.retained("other")).containsExactly(0, 0);
            assertThat(s.load("other", 10, 0)).isEqualTo(new Store.GroupState(0, List.of(), List.of()));
            assertThat(s.stats().postsStored()).isEqualTo(2);
        }
        assertThat(Files.exists(dir.resolve("parley.db"))).isTrue();
    }

    @Test
    void cleanRestartKeepsGroupsMessagesSeqsTimesAndEpoch() throws Exception {
        String epoch;
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            epoch = s.epoch();
            append(s, "a", 1, 50, 10_000);
            append(s, "b", 1, 3, 20_000);
        }
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            assertThat(s.epoch()).isEqualTo(epoch);
            assertThat(s.cleanStart()).isTrue();
            assertThat(s.groupsAtOpen()).isEqualTo(2);
            assertThat(s.load("a", 5, 0).lastSeq()).isEqualTo(50);
            assertThat(s.load("b", 5, 0).lastSeq()).isEqualTo(3);
            assertThat(s.load("new", 5, 0).lastSeq()).isZero();
            List<Store.StoredMessage> a = all(s, "a");
            assertThat(a).hasSize(50);
            assertThat(a.get(49)).isEqualTo(new Store.StoredMessage(50, 10_050, "ann", "m50"));
            assertThat(s.load("b", 0, 20_001).ids()).extracting(Store.StoredId::id).containsExactly("id2", "id3");
            assertThat(s.groupsAfter(null, 10)).containsExactly("a", "b");
            assertThat(s.groupsAfter("a", 10)).containsExactly("b");
            assertThat(s.groupsAfter(null, 1)).containsExactly("a");
        }
    }

    @Test
    void uncleanStopJumpsEverySeqByQAndKeepsTheEpoch() throws Exception {
        StoreOptions o = options(dir);
        long q = o.seqJump();
        assertThat(q).isEqualTo(64 + 1000 + StoreFixture.POSTERS);
        String epoch;
        SqliteStore s = SqliteStore.open(o);
        epoch = s.epoch();
        append(s, "a", 1, 10, 0);
        sync(s);
        s.crash();
        try (SqliteStore t = SqliteStore.open(o)) {
            assertThat(t.cleanStart()).isFalse();
            assertThat(t.epoch()).isEqualTo(epoch);
            assertThat(t.load("a", 100, 0).lastSeq()).isEqualTo(10 + q);
            assertThat(t.load("a", 100, 0).recent()).hasSize(10);
            assertThat(t.load("never", 100, 0).lastSeq()).isEqualTo(q); // the floor
            append(t, "a", 11 + q, 11 + q, 0);
            t.append("never", q + 1, 1, "x", "y", null, null);
        }
        try (SqliteStore t = SqliteStore.open(o)) { // clean again: no further jump
            assertThat(t.cleanStart()).isTrue();
            assertThat(t.load("a", 0, 0).lastSeq()).isEqualTo(11 + q);
            assertThat(t.load("never", 0, 0).lastSeq()).isEqualTo(q + 1);
            assertThat(t.load("fresh", 0, 0).lastSeq()).isEqualTo(q);
        }
    }

    @Test
    void postsQueuedButNotCommittedAtACrashAreLostButTheirSeqsAreNotReused() throws Exception {
        StoreOptions o = options(dir);
        SqliteStore s = SqliteStore.open(o);
        append(s, "a", 1, 5, 0);
        sync(s);
        s.pauseWriter();
        append(s, "a", 6, 40, 0); // delivered, queued, never committed
        s.crash();
        try (SqliteStore t = SqliteStore.open(o)) {
            assertThat(all(t, "a")).hasSize(5);
            assertThat(t.load("a", 0, 0).lastSeq()).isGreaterThanOrEqualTo(40);
        }
    }

    @Test
    void batchesHoldAtMostMaxBatchPosts() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir).withQueue(5000, 1000))) {
            s.pauseWriter();
            append(s, "g", 1, 4500, 0);
            s.resumeWriter();
            sync(s);
            Store.Stats st = s.stats();
            assertThat(st.postsStored()).isEqualTo(4500);
            assertThat(st.largestBatch()).isEqualTo(1000);
            assertThat(st.batches()).isGreaterThanOrEqualTo(5);
            assertThat(st.queueCapacity()).isEqualTo(5000);
        }
    }

    @Test
    void aFullQueueMakesAppendWaitAndDropsNothing() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir).withQueue(10, 1000))) {
            s.pauseWriter();
            append(s, "g", 1, 10, 0);
            assertThat(s.stats().queueDepth()).isEqualTo(10);
            Thread poster = Thread.ofPlatform().start(() -> {
                try {
                    append(s, "g", 11, 20, 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(300);
            assertThat(poster.getState()).isEqualTo(Thread.State.WAITING); // blocked in put()
            s.resumeWriter();
            poster.join(10_000);
            assertThat(poster.isAlive()).isFalse();
            sync(s);
            assertThat(all(s, "g")).extracting(Store.StoredMessage::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        }
    }

    @Test
    void afterQueuedIsToldOnlyOnceEverythingBeforeItIsCommitted() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            Acks acks = new Acks(4);
            s.pauseWriter();
            s.append("g", 1, 0, "a", "x", null, acks.ack("p1"));
            s.afterQueued(acks.ack("m1"));
            s.append("g", 2, 0, "a", "x", null, acks.ack("p2"));
            s.afterQueued(acks.ack("m2"));
            Thread.sleep(100);
            assertThat(acks.told).isEmpty();
            s.resumeWriter();
            assertThat(acks.await()).isTrue();
            assertThat(acks.told).containsExactly("p1:stored", "m1:stored", "p2:stored", "m2:stored");
        }
    }

    @Test
    void readPagesNewestAndOldestWithinBounds() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            append(s, "g", 1, 100, 0);
            sync(s);
            assertThat(seqs(s, 0, Long.MAX_VALUE, 3, false)).containsExactly(1L, 2L, 3L);
            assertThat(seqs(s, 0, Long.MAX_VALUE, 3, true)).containsExactly(98L, 99L, 100L);
            assertThat(seqs(s, 0, 50, 3, true)).containsExactly(47L, 48L, 49L);
            assertThat(seqs(s, 10, 50, 3, false)).containsExactly(11L, 12L, 13L);
            assertThat(seqs(s, 97, 101, 10, true)).containsExactly(98L, 99L, 100L);
            assertThat(seqs(s, 100, Long.MAX_VALUE, 10, true)).isEmpty();
            assertThat(seqs(s, 0, Long.MAX_VALUE, 0, true)).isEmpty();
            List<Long> taken = new ArrayList<>();
            int handed = s.read("g", 0, Long.MAX_VALUE, 10, false, m -> taken.add(m.seq()) && taken.size() < 4);
            assertThat(handed).isEqualTo(4);
            assertThat(taken).containsExactly(1L, 2L, 3L, 4L);
            assertThat(s.read("nope", 0, Long.MAX_VALUE, 10, false, m -> true)).isZero();
        }
    }

    private static List<Long> seqs(Store s, long after, long before, int limit, boolean newest) {
        List<Long> out = new ArrayList<>();
        s.read("g", after, before, limit, newest, m -> out.add(m.seq()));
        return out;
    }

    @Test
    void loadWaitsForTheGroupsQueuedPosts() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            s.pauseWriter();
            append(s, "g", 1, 7, 0);
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ignored) {
                    // the test ends anyway
                }
                s.resumeWriter();
            });
            Store.GroupState st = s.load("g", 100, 0);
            assertThat(st.lastSeq()).isEqualTo(7);
            assertThat(st.recent()).hasSize(7);
        }
    }

    @Test
    void theSchemaHasAVersionAndANewerOneIsRefused() throws Exception {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            append(s, "g", 1, 1, 0);
        }
        assertThat(userVersion(dir.resolve("parley.db"))).isEqualTo(Schema.CURRENT);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("parley.db"));
             Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version=" + (Schema.CURRENT + 1));
        }
        assertThatThrownBy(() -> SqliteStore.open(options(dir)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version " + (Schema.CURRENT + 1))
                .hasMessageContaining("run a newer Parley");
        assertThat(dir.resolve("parley.db")).exists(); // refused, not replaced
    }

    @Test
    void migrationsRunInOrderFromTheVersionFound() throws Exception {
        List<Schema.Migration> more = new ArrayList<>(Schema.MIGRATIONS);
        more.add(new Schema.Migration("a later release", List.of("ALTER TABLE groups ADD COLUMN topic TEXT")));
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            append(s, "g", 1, 3, 0);
        }
        try (SqliteStore s = SqliteStore.open(options(dir), more)) {
            assertThat(all(s, "g")).hasSize(3);
        }
        assertThat(userVersion(dir.resolve("parley.db"))).isEqualTo(Schema.CURRENT + 1);
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        try (SqliteStore s = SqliteStore.open(options(dir))) {
            assertThatThrownBy(() -> SqliteStore.open(options(dir))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void syncFullAsksSqliteForFullSync() throws Exception {
        for (StoreOptions.Sync sync : StoreOptions.Sync.values()) {
            try (SqliteStore s = SqliteStore.open(options(dir).withSync(sync))) {
                long[] level = {-1};
                String[] mode = {null};
                s.onWriter(db -> {
                    try (Statement st = db.createStatement()) {
                        try (ResultSet r = st.executeQuery("PRAGMA synchronous")) {
                            r.next();
                            level[0] = r.getLong(1);
                        }
                        try (ResultSet r = st.executeQuery("PRAGMA journal_mode")) {
                            r.next();
                            mode[0] = r.getString(1);
                        }
                    } catch (java.sql.SQLException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(level[0]).isEqualTo(sync == StoreOptions.Sync.FULL ? 2 : 1);
                assertThat(mode[0]).isEqualTo("wal");
            }
        }
    }

    @Test
    void appendAfterCloseIsToldItWasNotStored() throws Exception {
        SqliteStore s = SqliteStore.open(options(dir));
        s.close();
        Acks acks = new Acks(1);
        s.append("g", 1, 0, "a", "x", null, acks.ack("late"));
        assertThat(acks.told).containsExactly("late:failed:not stored: the store is closed");
    }

    static int userVersion(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet r = st.executeQuery("PRAGMA user_version")) {
            r.next();
            return r.getInt(1);
        }
    }
}
