package parley.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a store is opened: where, how durable, what it keeps.
 *
 * @param dir            the data directory (created if missing); the database is {@code parley.db} in it
 * @param sync           what a committed batch survives
 * @param retainAge      messages older than this are deleted; zero keeps them whatever their age
 * @param retainMessages the most messages kept per group
 * @param retainBytes    the most bytes the database may use for data; zero means no limit
 * @param maxPosters     the most posters that may hold a delivered post not yet appended (the server's
 *                       connection limit): part of the seq jump after an unclean stop
 * @param queueCapacity  posts (and markers) the writer's queue holds before {@code append} waits
 * @param maxBatch       the most posts one transaction commits
 * @param writerNice     the writer thread's Linux nice value, 0 to 19 ({@link WriterPriority}); 0 leaves it as other threads
 */
public record StoreOptions(Path dir, Sync sync, Duration retainAge, long retainMessages, long retainBytes,
                           int maxPosters, int queueCapacity, int maxBatch, int writerNice) {

    /** What a committed batch survives. */
    public enum Sync {
        /** SQLite's synchronous=NORMAL under WAL: a process crash loses nothing committed; power loss may lose the last batches. */
        NORMAL,
        /** synchronous=FULL: every committed batch survives power loss too, at an fsync per commit. */
        FULL
    }

    public static final String DEFAULT_DIR = "parley-data";
    public static final Duration DEFAULT_RETAIN_AGE = Duration.ofDays(30);
    public static final long DEFAULT_RETAIN_MESSAGES = 100_000;
    public static final long DEFAULT_RETAIN_BYTES = 1L << 30;
    /**
     * Posts the writer's queue holds. With the default 64 KiB message limit that is at most 256 MiB
     * of text in the worst case and a few hundred KiB for chat-sized posts; under load the queue
     * empties a batch at a time (about 65,000 posts/s here), so it absorbs bursts, not a slow disk.
     */
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;
    public static final int DEFAULT_MAX_BATCH = 1000;
    /** Live delivery gets the cores first when they are short (WriterPriority says why). */
    public static final int DEFAULT_WRITER_NICE = 10;

    public StoreOptions {
        if (dir == null) throw new IllegalArgumentException("no data directory");
        if (retainMessages < 1) throw new IllegalArgumentException("retain-messages must be at least 1");
        if (retainBytes < 0 || retainAge.isNegative()) throw new IllegalArgumentException("retention must not be negative");
        if (maxPosters < 0 || queueCapacity < 1 || maxBatch < 1) throw new IllegalArgumentException("bad queue sizes");
        if (writerNice < 0 || writerNice > 19) throw new IllegalArgumentException("writer nice must be 0 to 19");
    }

    /** The defaults, in {@code dir}, for a server of {@code maxPosters} connections. */
    public static StoreOptions defaults(Path dir, int maxPosters) {
        return new StoreOptions(dir, Sync.NORMAL, DEFAULT_RETAIN_AGE, DEFAULT_RETAIN_MESSAGES, DEFAULT_RETAIN_BYTES,
                maxPosters, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_BATCH, DEFAULT_WRITER_NICE);
    }

    /**
     * Q, how far numbering jumps after an unclean stop: every seq that may have been delivered but
     * not committed was in the queue, in the batch being committed, or held by a poster between
     * delivery and {@code append}.
     */
    public long seqJump() {
        return (long) queueCapacity + maxBatch + maxPosters;
    }

    public StoreOptions withSync(Sync s) {
        return new StoreOptions(dir, s, retainAge, retainMessages, retainBytes, maxPosters, queueCapacity, maxBatch, writerNice);
    }

    public StoreOptions withRetention(Duration age, long messages, long bytes) {
        return new StoreOptions(dir, sync, age, messages, bytes, maxPosters, queueCapacity, maxBatch, writerNice);
    }

    public StoreOptions withQueue(int capacity, int batch) {
        return new StoreOptions(dir, sync, retainAge, retainMessages, retainBytes, maxPosters, capacity, batch, writerNice);
    }

    public StoreOptions withWriterNice(int nice) {
        return new StoreOptions(dir, sync, retainAge, retainMessages, retainBytes, maxPosters, queueCapacity, maxBatch, nice);
    }

    /** The database file. */
    public Path database() {
        return dir.resolve(DataDir.DATABASE);
    }
}
