package parley.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import parley.protocol.FromClient;

/**
 * Makes each direct message land exactly once across reconnections, as {@link PostLedger} does
 * for posts: names it, keeps it until its {@code Sent}, and hands back what a new connection must
 * resend (the server answers a resent id with the first one's Sent, and keeps it once).
 *
 * <p>Bounded by {@link #MAX}: past it the oldest are forgotten. Thread-safe: the command thread
 * adds, the reply thread acknowledges, a reconnection reads.
 */
final class DirectLedger {
    static final int MAX = 1000;

    private final PostIds ids;
    private final LinkedHashMap<String, FromClient.Direct> pending = new LinkedHashMap<>();

    DirectLedger(PostIds ids) {
        this.ids = ids;
    }

    /** The message with a fresh id, kept until acknowledged. */
    synchronized FromClient.Direct name(FromClient.Direct d) {
        FromClient.Direct named = new FromClient.Direct(d.to(), d.message(), ids.next());
        pending.put(named.id(), named);
        Iterator<String> oldest = pending.keySet().iterator();
        while (pending.size() > MAX) {
            oldest.next();
            oldest.remove();
        }
        return named;
    }

    synchronized void acknowledged(String id) {
        if (id != null) pending.remove(id);
    }

    /** What a new connection resends, oldest first. */
    synchronized List<FromClient.Direct> toResend() {
        return new ArrayList<>(pending.values());
    }
}
