package parley.server;

import java.util.List;
import java.util.function.Consumer;
import parley.broadcast.HeldWakes;
import parley.protocol.FromServer;

/**
 * Where a post goes between a session and the group rings: the hook that lets several Parley
 * nodes share their groups. {@link #LOCAL} (the default) hands a post straight to its group's
 * ring on this node, exactly as a single server always has. A cluster bus (see
 * {@code parley.cluster}) publishes it instead and delivers into the rings of this node only what
 * comes back from the bus, through {@link Group#deliver}, in the bus's order.
 *
 * <p>Every method is called on the requesting session's reader thread (or, for
 * {@link #created}/{@link #removed}, the thread joining or leaving) and must not block on a
 * member. {@link #post} must not block at all.
 */
public interface GroupBus extends AutoCloseable {

    /** Single-node mode: a post goes straight into the local ring. */
    GroupBus LOCAL = new GroupBus() {
        @Override
        public String post(Group group, String groupName, String message, String from, HeldWakes held,
                Consumer<String> errors) {
            if (group == null) return "Group '" + groupName + "' does not exist";
            group.post(message, from, held);
            return null;
        }
    };

    /** A request the bus cannot serve now; its message goes to the client as an Error. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Called once when the server starts, before it accepts connections.
     *
     * @param groups   this node's groups, to deliver into
     * @param noticeAll tells every session on this node something (an outage, say) as an Error packet
     */
    default void start(GroupTable groups, Consumer<String> noticeAll) {}

    /**
     * Posts {@code message} to the named group. {@code group} is this node's group of that name, or
     * null if it has no members here. Returns an error for the poster now, or null if the post was
     * accepted; a later failure is reported through {@code errors}, from any thread. The poster's
     * thread may write the message to idle members itself; with {@code held} (not null) it has more
     * posts coming and wakes the members once it has none (see {@link HeldWakes}).
     */
    String post(Group group, String groupName, String message, String from, HeldWakes held, Consumer<String> errors);

    /**
     * A group has just been created on this node (its first member is joining). The bus may load
     * the group's earlier messages into its ring; until {@link Group#ready()} its members wait.
     * Called while the group table holds the group's entry: must not block.
     */
    default void created(Group group) {}

    /** A group has lost its last member on this node and is gone from the table. */
    default void removed(Group group) {}

    /**
     * Serves a Fetch from the bus's retained history: the messages with seq greater than
     * {@code after} (or the newest {@code limit} if {@code after} is negative), oldest first. Null
     * means "serve it from the local ring", which a single server always does.
     */
    default List<FromServer.Message> fetch(Group group, String groupName, long after, long limit) throws Refused {
        return null;
    }

    @Override
    default void close() {}
}
