package parley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static parley.store.StoreFixture.options;
import static parley.store.StoreFixture.sync;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.server.Store;

/**
 * Posters append to their own groups while readers page through them at random: every read is in
 * seq order, within its bounds, and a prefix of what was appended (the store serves only
 * committed posts, and commits in queue order); at the end everything is there. Bounded in posts
 * and time.
 */
@Timeout(60)
class ConcurrentStressTest {
    @TempDir
    Path dir;

    @Test
    void appendsAndReadsAtOnce() throws Exception {
        int posters = 4, perPoster = 5_000, readersCount = 3;
        long deadline = System.nanoTime() + 20_000_000_000L;
        long now = System.currentTimeMillis();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        try (SqliteStore s = SqliteStore.open(options(dir).withQueue(256, 100))) {
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < posters; p++) {
                String group = "g" + p;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (long seq = 1; seq <= perPoster && System.nanoTime() < deadline; seq++) {
                            // Today's time: a ts near 1970 would be deleted by retention's age limit
                            // (30 days) as soon as its first step ran, a second into the test.
                            s.append(group, seq, now + seq, "p", "t" + seq, "id" + seq, null);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < readersCount; r++) {
                readers.add(Thread.ofPlatform().start(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (!done.get()) {
                        String group = "g" + rnd.nextInt(posters);
                        long after = rnd.nextLong(perPoster), before = after + 1 + rnd.nextLong(500);
                        boolean newest = rnd.nextBoolean();
                        List<Store.StoredMessage> got = new ArrayList<>();
                        s.read(group, after, before, 50, newest, got::add);
                        for (int i = 0; i < got.size(); i++) {
                            long seq = got.get(i).seq();
                            if (seq <= after || seq >= before) problems.add("out of bounds " + seq);
                            if (i > 0 && seq != got.get(i - 1).seq() + 1) problems.add("hole before " + seq);
                            if (!got.get(i).text().equals("t" + seq)) problems.add("wrong text at " + seq);
                        }
                        long[] range = s.retained(group);
                        if (range[0] > 1) problems.add("retained starts at " + range[0]);
                        s.load(group, 10, 0);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            sync(s);
            done.set(true);
            for (Thread t : readers) t.join();
            assertThat(problems).isEmpty();
            for (int p = 0; p < posters; p++) {
                long[] range = s.retained("g" + p);
                assertThat(range[0]).isEqualTo(1);
                assertThat(StoreFixture.all(s, "g" + p)).hasSize((int) range[1]);
            }
            assertThat(s.stats().largestBatch()).isLessThanOrEqualTo(100);
        }
    }
}
