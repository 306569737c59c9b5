package parley.server;

import java.util.function.Consumer;
import parley.protocol.FromServer;

/**
 * Where a post goes between a session and the group rings: the hook that lets several Parley
 * nodes share their groups. {@link #LOCAL} (the default) shares nothing: a group lives only on
 * this node and a post goes straight into its ring here, exactly as a single server always has. A
 * cluster bus (see {@code parley.cluster}) {@linkplain #sharesGroups shares} them: it publishes a
 * post instead and delivers into the rings of this node only what comes back from the bus,
 * through {@link Group#deliver}, in the bus's order. Whatever state that takes per group (what is
 * loaded, what was delivered) is the bus's own.
 *
 * <p>Every method is called on the requesting session's reader thread (or, for
 * {@link #created}/{@link #removed}, the thread joining or leaving) and must not block on a
 * member. {@link #post} must not block at all.
 */
public interface GroupBus extends AutoCloseable {

    /** Single-node mode: every method as its default says. */
    GroupBus LOCAL = new GroupBus() {};

    /** A request the bus cannot serve now; its message goes to the client as an Error. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Whether this bus shares groups with other nodes. If so, a group without members here may
     * still exist elsewhere, and a post goes through {@link #post}. If not (the default), a group
     * exists only while this node's table has it, and the poster sends into its ring itself and
     * sees to waking its members (see {@link PendingWakes}); {@link #post} is then never called.
     */
    default boolean sharesGroups() {
        return false;
    }

    /**
     * Called once when the server starts, before it accepts connections.
     *
     * @param groups   this node's groups, to deliver into
     * @param noticeAll tells every session on this node something (an outage, say) as an Error packet
     */
    default void start(GroupTable groups, Consumer<String> noticeAll) {}

    /**
     * Posts {@code message} to the named group through a bus that {@linkplain #sharesGroups shares
     * groups}. {@code group} is this node's group of that name, or null if it has no members here.
     * Returns an error for the poster now, or null if the post was accepted; a later failure is
     * reported through {@code errors}, from any thread.
     */
    default String post(Group group, String groupName, String message, String from, Consumer<String> errors) {
        throw new UnsupportedOperationException("groups are not shared: a post goes straight into its ring");
    }

    /** What the author of a post with an id hears once the bus has it durably, or cannot; from any thread. */
    interface PostAck {
        /** The bus numbered the post {@code seq} at {@code ts} (ms since 1970) and keeps it. */
        void posted(long seq, long ts);

        /** The bus could not take the post; {@code why} goes to the client as an Error. */
        void failed(String why);
    }

    /**
     * As {@link #post(Group, String, String, String, Consumer)}, for a post with the client's
     * {@code id}: the bus deduplicates it (a post with the same group and id within its duplicate
     * window lands once) and tells {@code ack} when it is durable, with its seq and time (the
     * same for a duplicate). A bus without ids ignores them and acknowledges nothing.
     */
    default String post(Group group, String groupName, String message, String from, String id, PostAck ack,
            Consumer<String> errors) {
        return post(group, groupName, message, from, errors);
    }

    /** The epoch of the bus's seqs (kept where every node reads the same one), or null to use the store's. */
    default String epoch() {
        return null;
    }

    /**
     * The oldest and newest seq the bus retains for the group, for a Fetched summary; null means
     * "ask the local ring and store".
     */
    default long[] retained(String groupName) throws Refused {
        return null;
    }

    /**
     * A group has just been created on this node (its first member is joining). The bus may load
     * the group's earlier messages into its ring; until {@link #ready} says so, its joiners wait.
     * Called while the group table holds the group's entry: must not block.
     */
    default void created(Group group) {}

    /** Whether members may subscribe to this node's group now: not while the bus is loading it. */
    default boolean ready(Group group) {
        return true;
    }

    /**
     * Waits (at most {@code millis}) until {@link #ready}; true if it is. Called outside the group
     * table's lock, by a joiner.
     */
    default boolean awaitReady(Group group, long millis) {
        return true;
    }

    /** A group has lost its last member on this node and is gone from the table. */
    default void removed(Group group) {}

    /**
     * Where a bus's Fetch hands its messages, one at a time, oldest first, as it reads them: it
     * never holds the whole answer.
     */
    @FunctionalInterface
    interface FetchSink {
        /** Takes one message; false stops the read (the client is gone, or memory ran out). */
        boolean accept(FromServer.Message m);
    }

    /**
     * Serves a Fetch from the bus's retained history: the messages with seq greater than
     * {@code after} (or the newest {@code limit} if {@code after} is negative), oldest first, each
     * handed to {@code sink} as it is read; the read stops at the first message the sink refuses.
     * False means "serve it from the local ring", which a single server always does.
     */
    default boolean fetch(Group group, String groupName, long after, long limit, FetchSink sink) throws Refused {
        return false;
    }

    /**
     * As {@link #fetch(Group, String, long, long, FetchSink)}, with {@code before} (or -1): then
     * the newest {@code limit} messages with seq below it, still oldest first.
     */
    default boolean fetch(Group group, String groupName, long after, long before, long limit, FetchSink sink)
            throws Refused {
        return before < 0 && fetch(group, groupName, after, limit, sink);
    }

    @Override
    default void close() {}
}
