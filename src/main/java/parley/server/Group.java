package parley.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import parley.broadcast.Broadcast;
import parley.broadcast.Coalescer;
import parley.broadcast.Entry;
import parley.broadcast.HeldWakes;

/** A chat group: its name, its broadcast ring, and who its members are. */
public final class Group {
    private final String name;
    private final Broadcast<Posted> channel;
    private final Set<Session> members = ConcurrentHashMap.newKeySet();
    /** Open until a cluster bus has loaded the group's earlier messages; a local group is ready at once. */
    private final CountDownLatch ready = new CountDownLatch(1);
    /** Joiners waiting for {@link #ready}: the group is not removed while there are any. */
    final AtomicInteger waiting = new AtomicInteger();
    /**
     * When the last member left (System.nanoTime, never 0), or 0 while the group has members or
     * was never emptied; written under the group table's lock for this name.
     */
    volatile long emptySince;
    /** The last seq a cluster bus delivered; written only by the bus's delivering thread. */
    private volatile long delivered;

    Group(String name, ServerConfig config, Coalescer coalescer) {
        this.name = name;
        this.channel = new Broadcast<>(config.groupCapacity(), config.historyMessages(),
                config.historyBytes(), Posted::weight, coalescer);
    }

    public String name() {
        return name;
    }

    /** Current member count (each member holds one receiver of the ring); a snapshot. */
    public int members() {
        return channel.receiverCount();
    }

    /** Messages posted to this group so far. */
    public long posted() {
        return channel.tail();
    }

    Broadcast<Posted> channel() {
        return channel;
    }

    void added(Session c) {
        members.add(c);
    }

    void removed(Session c) {
        members.remove(c);
    }

    /** The names of members that said Hello or signed in, sorted, each once (one user may have several connections). */
    List<String> memberNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (Session c : members) {
            String n = c.name();
            if (n != null) names.add(n);
        }
        return new ArrayList<>(names);
    }

    /**
     * Encodes the message once and hands it to every member; never waits for one. This thread may
     * write it to idle members of a quiet group itself, then or, with {@code held}, once the poster
     * releases its held wakes.
     */
    void post(String message, String from, HeldWakes held) {
        channel.send(new Posted(name, message, from), held);
    }

    /**
     * Delivers a message that a cluster bus numbered {@code seq} (increasing): encodes it once and
     * hands it to every member, never waiting for one. A seq not above the last one delivered is a
     * duplicate (a bus re-reading after an outage) and is ignored. Called by one thread at a time.
     *
     * @return false if it was a duplicate
     */
    public boolean deliver(String message, String from, long seq) {
        if (seq <= delivered) return false;
        delivered = seq;
        channel.send(new Posted(name, message, from, seq), false); // the bus's thread fans out to many groups
        return true;
    }

    /** The seq of the last message a cluster bus delivered here, or 0. */
    public long lastDelivered() {
        return delivered;
    }

    /** The wire seq of the oldest message this node holds for history, or 0 if none. */
    public long oldestHeldSeq() {
        long from = channel.retainedFrom();
        Entry<Posted> e = channel.get(from);
        return e == null ? 0 : e.value().wireSeq(e.seq());
    }

    /** Marks the group's earlier messages loaded: joiners may subscribe now. */
    public void markReady() {
        ready.countDown();
    }

    public boolean ready() {
        return ready.getCount() == 0;
    }

    /** Waits (at most {@code millis}) until the group is ready; true if it is. */
    boolean awaitReady(long millis) {
        try {
            return ready.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ready();
        }
    }

    /**
     * Retained messages with wire seq greater than {@code after} (oldest first), or the newest
     * {@code limit} when {@code after} is negative.
     */
    List<Entry<Posted>> history(long after, long limit) {
        long tail = channel.tail();
        long from = after < 0 ? tail - limit : firstAfter(after, tail);
        from = Math.max(from, channel.retainedFrom());
        List<Entry<Posted>> out = new ArrayList<>();
        for (long s = from; s < tail && out.size() < limit; s++) {
            Entry<Posted> e = channel.get(s);
            if (e != null) out.add(e);
        }
        return out;
    }

    /**
     * The ring sequence of the first held message with wire seq above {@code after}. Locally the
     * wire seq is the ring sequence + 1; a cluster bus's seqs only increase, so search for it.
     */
    private long firstAfter(long after, long tail) {
        long lo = channel.retainedFrom();
        long hi = tail;
        Entry<Posted> last = hi > lo ? channel.get(hi - 1) : null;
        if (last == null || last.value().wireSeq(last.seq()) == last.seq() + 1) return after;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            Entry<Posted> e = channel.get(mid);
            if (e == null || e.value().wireSeq(e.seq()) <= after) lo = mid + 1; // null: trimmed, older
            else hi = mid;
        }
        return lo;
    }
}
