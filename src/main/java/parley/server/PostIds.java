package parley.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The post ids one group remembers for the dedup window: a post whose id is here is not delivered
 * or stored again, and its author gets the first post's {@code Posted} (the same seq and time) once
 * that post is durable. An id is claimed before its post goes into the ring, so two copies racing
 * on two connections still land once.
 *
 * <p>Memory: every group's ids count against one server-wide cap ({@code remembered}); past it a
 * new id is not remembered (its post lands, but a resend of it would land again) and
 * {@code forgotten} counts it. Expired ids are swept by housekeeping.
 */
final class PostIds {
    /** One remembered id: pending until its post is durable or refused, then settled for good. */
    static final class Claim {
        private final long claimedAt;
        private long seq;
        private long ts;
        /** Null while pending; "" once stored; otherwise why the post was not stored. */
        private String outcome;
        private List<Consumer<Claim>> waiting;

        Claim(long claimedAt) {
            this.claimedAt = claimedAt;
        }

        /** A claim for a post that is already durable (loaded from the store). */
        static Claim stored(long seq, long ts) {
            Claim c = new Claim(ts);
            c.seq = seq;
            c.ts = ts;
            c.outcome = "";
            return c;
        }

        synchronized long seq() {
            return seq;
        }

        synchronized long ts() {
            return ts;
        }

        /** Why the post was not stored, or null if it was. */
        synchronized String failure() {
            return outcome == null || outcome.isEmpty() ? null : outcome;
        }

        /** The post went into the ring as {@code seq} at {@code ts}; not yet durable. */
        synchronized void numbered(long seq, long ts) {
            this.seq = seq;
            this.ts = ts;
        }

        /** Runs {@code then} once the post is settled: now if it is, else on the settling thread. */
        void whenSettled(Consumer<Claim> then) {
            synchronized (this) {
                if (outcome == null) {
                    if (waiting == null) waiting = new ArrayList<>(1);
                    waiting.add(then);
                    return;
                }
            }
            then.accept(this);
        }

        /** The post is durable ({@code why} null) or was refused; tells whoever waits. */
        void settle(String why) {
            List<Consumer<Claim>> w;
            synchronized (this) {
                if (outcome != null) return;
                outcome = why == null ? "" : why;
                w = waiting;
                waiting = null;
            }
            if (w != null) for (Consumer<Claim> c : w) c.accept(this);
        }
    }

    private final ConcurrentHashMap<String, Claim> ids = new ConcurrentHashMap<>();
    private final AtomicLong remembered;
    private final long cap;

    /**
     * @param remembered ids remembered by every group together
     * @param cap        the most ids remembered server-wide
     */
    PostIds(AtomicLong remembered, long cap) {
        this.remembered = remembered;
        this.cap = cap;
    }

    /**
     * Claims {@code id} for a post about to be delivered. Returns {@code fresh} if the id is now
     * that post's; the earlier post's claim if this is a resend within the window (the post must
     * not go out again); or null if the cap is reached: the post goes out, its id not remembered.
     */
    Claim claim(String id, Claim fresh) {
        Claim earlier = ids.get(id);
        if (earlier != null) return earlier;
        if (remembered.incrementAndGet() > cap) {
            remembered.decrementAndGet();
            return null;
        }
        earlier = ids.putIfAbsent(id, fresh);
        if (earlier == null) return fresh;
        remembered.decrementAndGet();
        return earlier;
    }

    /** The claimed post never went out (the ring refused it): its id is free again. */
    void release(String id, Claim c) {
        if (ids.remove(id, c)) remembered.decrementAndGet();
    }

    /** Remembers an id loaded from the store as already durable. */
    void remember(String id, long seq, long ts) {
        if (remembered.incrementAndGet() > cap || ids.putIfAbsent(id, Claim.stored(seq, ts)) != null) {
            remembered.decrementAndGet();
        }
    }

    /** Forgets the settled ids claimed before {@code before} (ms since 1970). */
    void expire(long before) {
        for (var e : ids.entrySet()) {
            Claim c = e.getValue();
            boolean settled;
            synchronized (c) {
                settled = c.outcome != null;
            }
            if (settled && c.claimedAt < before && ids.remove(e.getKey(), c)) remembered.decrementAndGet();
        }
    }

    /** Forgets every id (the group is leaving memory). */
    void clear() {
        int n = ids.size();
        ids.clear();
        remembered.addAndGet(-n);
    }

    int size() {
        return ids.size();
    }
}
