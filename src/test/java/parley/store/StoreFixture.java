package parley.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import parley.server.Store;

/** Small helpers shared by the store's tests. */
final class StoreFixture {
    static final int POSTERS = 10;

    private StoreFixture() {}

    /**
     * The defaults with a small queue and no age limit: the fixture's posts carry times near 1970
     * (ts = seq after {@code t0}), which retention's first step, a second after opening, would
     * otherwise delete as older than 30 days. Retention tests set their own limits.
     */
    static StoreOptions options(Path dir) {
        StoreOptions d = StoreOptions.defaults(dir, POSTERS).withQueue(64, 1000);
        return d.withRetention(java.time.Duration.ZERO, d.retainMessages(), d.retainBytes());
    }

    /** Appends posts {@code from..to} to {@code group} (text "m<seq>", id "id<seq>", ts = seq ms after {@code t0}). */
    static void append(Store s, String group, long from, long to, long t0) throws InterruptedException {
        for (long seq = from; seq <= to; seq++) {
            s.append(group, seq, t0 + seq, "ann", "m" + seq, "id" + seq, null);
        }
    }

    /** Waits until everything queued so far is committed. */
    static void sync(Store s) throws InterruptedException {
        Acks a = new Acks(1);
        s.afterQueued(a.ack("sync"));
        if (!a.await()) throw new AssertionError("the writer did not catch up");
    }

    static List<Store.StoredMessage> all(Store s, String group) {
        List<Store.StoredMessage> out = new ArrayList<>();
        s.read(group, 0, Long.MAX_VALUE, Integer.MAX_VALUE, false, out::add);
        return out;
    }

    static Duration days(int n) {
        return Duration.ofDays(n);
    }
}
