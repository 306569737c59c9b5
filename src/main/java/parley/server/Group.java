package parley.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import parley.broadcast.Broadcast;
import parley.broadcast.Coalescer;
import parley.broadcast.Entry;
import parley.budget.MemoryBudget;
import parley.protocol.FromServer;

/** A chat group: its name, its broadcast ring, and who its members are. */
public final class Group {
    private final String name;
    private final Broadcast<Posted> channel;
    private final Set<Session> members = ConcurrentHashMap.newKeySet();
    /**
     * When the last member left (System.nanoTime, never 0), or 0 while the group has members or
     * was never emptied; written under the group table's lock for this name.
     */
    volatile long emptySince;

    /**
     * The wire seq of the ring's sequence -1: the group's numbering when it was loaded (0 for a
     * group new to this node without a store), so that the ring's sequence {@code s} is wire seq
     * {@code s + 1 + base} for every post numbered here.
     */
    private final long base;
    /** The ids of this group's recent posts, for deduplication. */
    private final PostIds ids;
    /**
     * The ring sequences of the group's newest moderation events (rare: a handful per group), so
     * that a book connection that lagged over some is told only of the messages it missed. A
     * lagging reader's missed range starts wherever it fell behind, so these are kept past the
     * ring's oldest, up to {@link #EVENTS_KEPT}.
     */
    private volatile java.util.concurrent.ConcurrentSkipListSet<Long> eventSeqs; // made by the first event

    /** A group whose ring draws from no budget (tests). */
    Group(String name, ServerConfig config, Coalescer coalescer) {
        this(name, config, coalescer, null, Store.GroupState.EMPTY, new PostIds(new AtomicLong(), Long.MAX_VALUE));
    }

    /**
     * @param rings the server-wide budget every ring reserves its messages' memory from, or null
     * @param state what the store holds of the group: its numbering, its newest messages (put in
     *              the ring, oldest first, as history) and the ids of its recent posts
     * @param ids   where the group remembers its posts' ids
     */
    Group(String name, ServerConfig config, Coalescer coalescer, MemoryBudget rings, Store.GroupState state,
            PostIds ids) {
        this.name = name;
        this.channel = new Broadcast<>(config.groupCapacity(), config.groupCapacityBytes(),
                config.historyMessages(), config.historyBytes(), Posted::weight, rings, coalescer);
        this.ids = ids;
        for (Store.StoredMessage m : state.recent()) {
            FromServer.GroupEvent event = m.event() ? GroupEvents.decode(m.text()) : null;
            if (event == null) {
                channel.sendOrDrop(new Posted(name, m.text(), m.from(), m.seq(), m.ts()));
            } else {
                long seq = channel.sendOrDrop(new Posted(event, m.seq(), 0, m.ts()));
                if (seq >= 0) eventSeqs().add(seq);
            }
        }
        this.base = state.lastSeq() - channel.tail();
        for (Store.StoredId id : state.ids()) ids.remember(id.id(), id.seq(), id.ts());
    }

    public String name() {
        return name;
    }

    /** Current member count (each member holds one receiver of the ring); a snapshot. */
    public int members() {
        return channel.receiverCount();
    }

    /** Memory the group's ring holds now (its messages' weight, as reserved from the rings budget); a snapshot. */
    public long heldBytes() {
        return channel.heldWeight();
    }

    /** Messages posted to this group so far. */
    public long posted() {
        return channel.tail();
    }

    Broadcast<Posted> channel() {
        return channel;
    }

    PostIds ids() {
        return ids;
    }


    /** The wire seq of the post the ring numbered {@code ringSeq}. */
    long wireSeq(long ringSeq) {
        return ringSeq + 1 + base;
    }

    /** The newest wire seq this group has given (or was loaded with), 0 if none. */
    public long lastSeq() {
        long tail = channel.tail();
        Entry<Posted> e = tail > 0 ? channel.get(tail - 1) : null;
        return e != null ? e.value().wireSeq(e.seq()) : tail + base;
    }

    /** Whether {@code s} is a member now. */
    boolean has(Session s) {
        return members.contains(s);
    }

    /** The sessions that are members now; a weakly consistent view. */
    Iterable<Session> sessions() {
        return members;
    }

    void added(Session c) {
        members.add(c);
    }

    void removed(Session c) {
        members.remove(c);
    }

    /**
     * A page of the names of members that said Hello or signed in: the first {@code limit + 1}
     * names after {@code after} (null: from the first), sorted, each once (one user may have several
     * connections); the extra one only says there is more. Holds at most that
     * many at a time, whatever the group's size (no copy of every name to sort).
     */
    java.util.NavigableSet<String> memberNames(String after, int limit) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (Session c : members) {
            String n = c.name();
            if (n == null || (after != null && n.compareTo(after) <= 0)) continue;
            if (names.size() <= limit) {
                names.add(n);
            } else if (n.compareTo(names.last()) < 0 && names.add(n)) {
                names.pollLast();
            }
        }
        return names;
    }

    /**
     * Encodes the message once and sends it into the ring, never waiting for a member. Returns
     * what the ring did: {@link Broadcast.Sent#QUIET} leaves the members' wake to the poster, who
     * gives it (see {@link PendingWakes}).
     */
    Broadcast.Sent post(String message, String from) {
        return channel.sendLeavingQuietWake(new Posted(name, message, from));
    }

    /**
     * As {@link #post(String, String)}, accepted at {@code ts}; returns what the ring did and the
     * sequence it gave, as {@link Broadcast#sendNumbered} does (its wire seq is {@link #wireSeq}).
     */
    long postNumbered(String message, String from, long ts) {
        return channel.sendNumbered(new Posted(name, message, from, 0, base, ts));
    }

    /**
     * Puts a moderation event into the ring, numbered like a post, accepted at {@code ts}; returns
     * what {@link #postNumbered} does. Its wire seq is {@link #wireSeq} of its ring sequence.
     */
    long postEvent(FromServer.GroupEvent event, long ts) {
        long numbered = channel.sendNumbered(new Posted(event, 0, base, ts));
        Broadcast.Sent sent = Broadcast.sent(numbered);
        if (sent == Broadcast.Sent.QUIET || sent == Broadcast.Sent.WOKEN) {
            var seqs = eventSeqs();
            seqs.add(Broadcast.seqOf(numbered));
            while (seqs.size() > EVENTS_KEPT) seqs.pollFirst();
        }
        return numbered;
    }

    /** Event sequences a group remembers for lag counts; a book reader further behind may be told of a few events as messages. */
    static final int EVENTS_KEPT = 1024;

    /** How many of the ring sequences {@code from} (inclusive) to {@code to} (exclusive) were events. */
    long eventsBetween(long from, long to) {
        var seqs = eventSeqs;
        return seqs == null || from >= to ? 0 : seqs.subSet(from, to).size();
    }

    private java.util.concurrent.ConcurrentSkipListSet<Long> eventSeqs() {
        var seqs = eventSeqs;
        if (seqs != null) return seqs;
        synchronized (this) {
            if (eventSeqs == null) eventSeqs = new java.util.concurrent.ConcurrentSkipListSet<>();
            return eventSeqs;
        }
    }

    /**
     * Delivers a message that a cluster bus numbered {@code seq}: encodes it once and hands it to
     * every member, never waiting for one. The bus's thread fans out to many groups, so it never
     * writes to a member itself: the ring wakes the members' writer threads. The bus delivers
     * each message once, in its order, one at a time.
     */
    public void deliver(String message, String from, long seq) {
        deliver(message, from, seq, 0);
    }

    /** As {@link #deliver(String, String, long)}, with the bus's time for the message ({@code ts}, ms since 1970). */
    public void deliver(String message, String from, long seq, long ts) {
        // The stream has it already, so a message the rings budget cannot hold still takes its
        // place: dropped at once, every member is told it missed it.
        channel.sendOrDrop(new Posted(name, message, from, seq, ts));
    }

    /** The group is gone from the table: its ring gives back everything it held to the budget. */
    void discard() {
        channel.discard();
    }

    /** The wire seq of the newest message this node holds, or 0 if none. */
    public long newestHeldSeq() {
        long tail = channel.tail();
        Entry<Posted> e = tail > channel.retainedFrom() ? channel.get(tail - 1) : null;
        return e == null ? 0 : e.value().wireSeq(e.seq());
    }

    /** The wire seq of the oldest message this node holds for history, or 0 if none. */
    public long oldestHeldSeq() {
        long from = channel.retainedFrom();
        Entry<Posted> e = channel.get(from);
        return e == null ? 0 : e.value().wireSeq(e.seq());
    }

    /**
     * Retained messages with wire seq greater than {@code after} (oldest first), or the newest
     * {@code limit} when {@code after} is negative.
     */
    List<Entry<Posted>> history(long after, long limit) {
        return after < 0 ? history(-1, Long.MAX_VALUE, limit, true) : history(after, Long.MAX_VALUE, limit, false);
    }

    /**
     * Held messages with {@code after < wire seq < before}, oldest first, at most {@code limit}:
     * the oldest such, or the newest such if {@code newest}. Wire seqs only increase along the
     * ring (gaps are allowed), so both ends are found by search.
     */
    List<Entry<Posted>> history(long after, long before, long limit, boolean newest) {
        long tail = channel.tail();
        long lo = firstAbove(after, tail);
        long hi = firstAbove(before - 1, tail);
        if (newest) lo = Math.max(lo, hi - limit);
        List<Entry<Posted>> out = new ArrayList<>();
        for (long s = lo; s < hi && out.size() < limit; s++) {
            Entry<Posted> e = channel.get(s);
            if (e != null) out.add(e);
        }
        return out;
    }

    /** The ring sequence of the first held message with wire seq above {@code seq} ({@code tail} if none). */
    private long firstAbove(long seq, long tail) {
        long lo = channel.retainedFrom();
        long hi = tail;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            Entry<Posted> e = channel.get(mid);
            if (e == null || e.value().wireSeq(e.seq()) <= seq) lo = mid + 1; // null: trimmed, older
            else hi = mid;
        }
        return lo;
    }
}
