package parley.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import parley.protocol.FromClient;

/**
 * Makes each post after {@code nick} land exactly once across reconnections: names it
 * ({@link PostIds}), keeps it until its {@code Posted} ({@link Unacknowledged}) and, after a
 * reconnection, hands back what to resend, in order.
 *
 * <p>Resending is safe only on a server that dedups ids; one that never said {@code Posted} (nor
 * sent a Welcome with a store epoch) may predate ids, and would post twice. To it only the posts
 * typed while the reconnection was under way (held so they go out after the resent ones) are sent.
 *
 * <p>{@link #name}, {@link #hold}, {@link #reconnecting} and {@link #toResend} are called under the
 * client's write lock; {@link #acknowledged} and {@link #serverAcks} from the reply thread.
 */
final class PostLedger {
    private final PostIds ids;
    private final Unacknowledged unacknowledged = new Unacknowledged();
    private final List<FromClient.Post> held = new ArrayList<>();
    private final Consumer<String> notes;
    private boolean reconnecting;
    private volatile boolean acks;

    PostLedger(PostIds ids, Consumer<String> notes) {
        this.ids = ids;
        this.notes = notes;
    }

    /** The post with a fresh id, kept until acknowledged. */
    FromClient.Post name(FromClient.Post p) {
        FromClient.Post named = new FromClient.Post(p.groupName(), p.message(), ids.next());
        int dropped = unacknowledged.add(named);
        // Against a server that never acknowledges, forgetting is the normal course: say nothing.
        if (dropped > 0 && acks) {
            notes.accept("parley client: " + dropped + " unacknowledged posts forgotten (at most "
                    + Unacknowledged.MAX_POSTS + " are kept to resend)");
        }
        return named;
    }

    /** True if {@code p} must wait for the resend after the reconnection; it is then sent with it. */
    boolean hold(FromClient.Post p) {
        if (!reconnecting) return false;
        held.add(p);
        return true;
    }

    /** A new connection is being set up; until {@link #toResend}, new posts are held. */
    void reconnecting() {
        reconnecting = true;
    }

    /** What to send now that the new connection is set up, oldest first; stops holding. */
    List<FromClient.Post> toResend() {
        List<FromClient.Post> out = acks ? unacknowledged.pending() : List.copyOf(held);
        held.clear();
        reconnecting = false;
        return out;
    }

    void acknowledged(String id) {
        acks = true;
        unacknowledged.acknowledge(id);
    }

    /** The server dedups ids (its Welcome named a store epoch). */
    void serverAcks() {
        acks = true;
    }

    /** The server dedups ids: a post whose write failed was resent by the reconnection already. */
    boolean acks() {
        return acks;
    }

    int unacknowledged() {
        return unacknowledged.size();
    }
}
