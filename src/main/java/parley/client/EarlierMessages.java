package parley.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import parley.protocol.FromServer;

/**
 * Tells the answers to a {@code history} request (a Fetch) from live messages, so a terminal can
 * show them as earlier ones. A Fetch is outstanding from when it is sent until its
 * {@code Fetched} arrives. While it is, a message of its group is an earlier one if the client is
 * not a member (a non-member gets no live messages), or if its seq is at most the last seq the
 * client had seen live when it asked (what the Fetch returns is older than what was live then).
 * A member that had seen no seq yet can tell them apart only on a server that ends each Fetch
 * with {@code Fetched} ({@code fetchedKnown}): until that line, everything of the group counts as
 * earlier.
 *
 * <p>Without Fetched (a server that predates it) a Fetch stays outstanding, which the rules above
 * make harmless: a member's live messages have higher seqs.
 *
 * <p>Thread-safe: the command thread records requests, the reply thread asks.
 */
final class EarlierMessages {
    /** The last live seq seen per group when each outstanding Fetch was sent. */
    private final Map<String, Long> outstanding = new ConcurrentHashMap<>();
    private volatile boolean fetchedKnown;

    /** A Fetch of {@code group} was sent; {@code lastLiveSeq} is 0 if none was seen. */
    void requested(String group, long lastLiveSeq) {
        outstanding.merge(group, lastLiveSeq, Math::max);
    }

    /** The server ends Fetches with {@code Fetched} (it said so by sending one, or by its Welcome's epoch). */
    void serverSendsFetched() {
        fetchedKnown = true;
    }

    /** The Fetch of the group has been answered in full. */
    void fetched(String group) {
        fetchedKnown = true;
        outstanding.remove(group);
    }

    boolean isEarlier(FromServer.Message m, boolean member) {
        Long lastLive = outstanding.get(m.groupName());
        if (lastLive == null) return false;
        if (!member) return true;
        if (m.seq() <= 0) return false; // no seq (no nick): cannot tell, so show it as live
        return lastLive == 0 ? fetchedKnown : m.seq() <= lastLive;
    }

    /** A reconnection loses the answers in flight. */
    void clear() {
        outstanding.clear();
    }
}
