package parley.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import parley.server.Store;

/** The store's counters, written by the writer and read by {@code /metrics} as a {@link Store.Stats}. */
final class Counters {
    private final LongAdder postsStored = new LongAdder();
    private final LongAdder postsFailed = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final AtomicLong largestBatch = new AtomicLong();
    private final LongAdder commitNanos = new LongAdder();
    private final LongAdder retentionDeleted = new LongAdder();
    private final LongAdder[] errors = new LongAdder[Sqlite.Kind.values().length];
    private volatile long replacedCorrupt;

    Counters() {
        for (int i = 0; i < errors.length; i++) errors[i] = new LongAdder();
    }

    void committed(int posts, long nanos) {
        postsStored.add(posts);
        batches.increment();
        largestBatch.accumulateAndGet(posts, Math::max);
        commitNanos.add(nanos);
    }

    void failed(int posts, Sqlite.Kind kind) {
        postsFailed.add(posts);
        error(kind);
    }

    void error(Sqlite.Kind kind) {
        errors[kind.ordinal()].increment();
    }

    void deleted(long rows) {
        retentionDeleted.add(rows);
    }

    void replacedCorrupt() {
        replacedCorrupt = 1;
    }

    long errors(Sqlite.Kind kind) {
        return errors[kind.ordinal()].sum();
    }

    Store.Stats snapshot(IntSupplier queueDepth, int queueCapacity, LongSupplier bytesOnDisk) {
        List<Long> e = new ArrayList<>(errors.length);
        for (LongAdder a : errors) e.add(a.sum());
        return new Store.Stats(postsStored.sum(), postsFailed.sum(), batches.sum(), largestBatch.get(),
                commitNanos.sum(), queueDepth.getAsInt(), queueCapacity, bytesOnDisk.getAsLong(),
                retentionDeleted.sum(), List.copyOf(e), replacedCorrupt);
    }
}
