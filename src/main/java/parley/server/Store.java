package parley.server;

import java.util.List;
import java.util.function.Predicate;

/**
 * The memory behind the rings: where a single node keeps its groups' messages so that they
 * outlive the process (the SQLite store of {@code parley.store}), or nowhere ({@link #NONE}, for
 * {@code --data none}). The ring stays the live path: a post is in its group's ring before the
 * store sees it, and the store's one writer persists posts in batches off that path.
 *
 * <p>Threads: {@link #append} and {@link #afterQueued} on readers (they may wait while the
 * writer's queue is full: that is how TCP pushes back on a poster the disk cannot keep up with);
 * {@link #load}, {@link #read}, {@link #retained} and {@link #groupsAfter} on readers or joiners,
 * reading the disk; acknowledgements run on the writer's thread and must not block.
 */
public interface Store extends AutoCloseable {

    /** No store: nothing outlives the process, and every method answers as for an empty store. */
    Store NONE = new Store() {};

    /** Whether messages outlive the process. */
    default boolean persistent() {
        return false;
    }

    /**
     * The store's epoch: a name that changes only when the store is new (its first start, or a
     * corrupt file replaced), so a seq compares only with seqs of the same epoch. Null without a store.
     */
    default String epoch() {
        return null;
    }

    /**
     * One stored message: its seq in its group, the server's time of the post (ms since 1970), its
     * poster (or null) and text; or, when {@code event}, a moderation event, whose text is its
     * GroupEvent line without seq and ts and whose {@code from} is who did it.
     */
    record StoredMessage(long seq, long ts, String from, String text, boolean event) {
        public StoredMessage(long seq, long ts, String from, String text) {
            this(seq, ts, from, text, false);
        }
    }

    /** A post id the store still remembers, with the seq and time its post was given. */
    record StoredId(String id, long seq, long ts) {}

    /**
     * What the store holds of a group when this node loads it into memory: numbering resumes after
     * {@code lastSeq} (already past every seq that may have been delivered before an unclean
     * stop); {@code recent} are its newest stored messages, oldest first; {@code ids} the post ids
     * of its posts within the dedup window.
     */
    record GroupState(long lastSeq, List<StoredMessage> recent, List<StoredId> ids) {
        public static final GroupState EMPTY = new GroupState(0, List.of(), List.of());
    }

    /**
     * Reads a group's state for loading into memory: at most {@code recent} of its newest messages
     * and the ids of posts newer than {@code idsSince} (ms since 1970). A group the store has never
     * seen gets a state with no messages whose {@code lastSeq} is where a new group's numbering
     * starts (0 unless an unclean stop left seqs that may have been used). Posts of the group
     * appended and not yet committed count: {@code lastSeq} is at least the highest of them (the
     * SQLite store waits for them), so a group that left memory and comes back numbers on from
     * the last seq it gave.
     */
    default GroupState load(String group, int recent, long idsSince) {
        return GroupState.EMPTY;
    }

    /** Whether the store retains messages of {@code group} (a group that exists without members). */
    default boolean exists(String group) {
        return false;
    }

    /** What a post's author is told once the store has its post, or cannot. Called on the writer's thread; must not block. */
    interface Ack {
        /** The post is committed under the sync policy. */
        void stored();

        /** The post could not be stored; {@code why} is said to the client as an Error. */
        void failed(String why);
    }

    /**
     * Queues a post for the writer, which commits it in a batch. Waits while the writer's queue is
     * full. {@code id} is the client's post id or null; {@code ack} (or null) hears when it is
     * committed. Without a store, {@code ack} is told at once.
     */
    default void append(String group, long seq, long ts, String from, String text, String id, Ack ack)
            throws InterruptedException {
        if (ack != null) ack.stored();
    }

    /**
     * Queues a moderation event (docs/moderation.md) as {@link #append} queues a post: stored with
     * the group's messages, numbered among them, under the same retention. {@code line} is its
     * GroupEvent line without seq and ts; {@code by} who did it.
     */
    default void appendEvent(String group, long seq, long ts, String by, String line) throws InterruptedException {}

    /**
     * Deletes the group's stored messages and events (a Drop), after everything queued before.
     * Its numbering is kept, so a group made again under the name numbers on.
     */
    default void drop(String group) {}

    /** Where moderation's state is kept with the messages, or null to keep it in memory. */
    default parley.moderation.ModerationRecords moderation() {
        return null;
    }

    /** Whether {@link #append} would wait now: the writer's queue is full. */
    default boolean backlogged() {
        return false;
    }

    /** Tells {@code ack} once everything queued before it is committed (a resent post's answer). */
    default void afterQueued(Ack ack) throws InterruptedException {
        ack.stored();
    }

    /**
     * Reads stored messages of {@code group} with {@code after < seq < before}, oldest first, at
     * most {@code limit}: the oldest such if {@code newest} is false, else the newest such. Hands
     * each to {@code sink} as read and stops at the first it refuses. Returns how many it handed.
     */
    default int read(String group, long after, long before, int limit, boolean newest, Predicate<StoredMessage> sink) {
        return 0;
    }

    /** The oldest and newest seq the store retains for {@code group}, or {0, 0}. */
    default long[] retained(String group) {
        return new long[] {0, 0};
    }

    /** Up to {@code limit} names of groups with retained messages, in order, after {@code after} (null: from the first). */
    default List<String> groupsAfter(String after, int limit) {
        return List.of();
    }

    /**
     * What the store has done so far, for {@code /metrics}; null without a store. Counters only
     * grow; the gauges (queue depth, bytes on disk) are read when asked.
     *
     * @param postsStored      posts committed
     * @param postsFailed      posts whose batch could not be committed (their acks were told why)
     * @param batches          committed batches (posts stored / batches = the mean batch size)
     * @param largestBatch     the most posts one committed batch held
     * @param commitNanos      time spent committing batches, summed
     * @param queueDepth       posts and markers waiting for the writer now
     * @param queueCapacity    the most the writer's queue holds; a full queue makes {@link #append} wait
     * @param bytesOnDisk      the database file and its write-ahead log, in bytes
     * @param retentionDeleted messages deleted by retention (age, count or bytes)
     * @param errors           store errors by kind, one count per {@link #ERROR_KINDS} entry, in that order
     * @param replacedCorrupt  1 if this store was created because the file found at start was corrupt, else 0
     */
    record Stats(long postsStored, long postsFailed, long batches, long largestBatch, long commitNanos,
                 int queueDepth, int queueCapacity, long bytesOnDisk, long retentionDeleted, List<Long> errors,
                 long replacedCorrupt) {
        /** The kinds of store error, as {@code /metrics} labels them. */
        public static final List<String> ERROR_KINDS = List.of("disk_full", "corrupt", "busy", "io", "other");
    }

    /** What the store has done so far (see {@link Stats}); null without a store. */
    default Stats stats() {
        return null;
    }

    /**
     * Where this store keeps direct messages (docs/direct.md), or null to keep them in memory;
     * closed with the store.
     */
    default DirectStore directs() {
        return null;
    }

    /** Commits what is queued and closes; marks a clean stop, so numbering resumes without a gap. */
    @Override
    default void close() {}
}
