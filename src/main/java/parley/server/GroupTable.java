package parley.server;

import parley.log.Log;
import java.util.Collection;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import parley.broadcast.Coalescer;
import parley.broadcast.Receiver;
import parley.broadcast.Wakeable;
import parley.budget.MemoryBudget;

/**
 * The server's groups by name. Lookups on the post path are lock-free; joining and leaving lock
 * only the one group's entry. By default a group goes with its last member. With a group linger
 * (as in the book, where groups live forever) it outlives its last member by that long: posts to
 * it are kept in its history, a later joiner sees them and the seq carries on. At most
 * {@link #MAX_LINGERING} emptied groups linger at once, so a client cannot grow the table without
 * bound by joining and leaving names: past that, an emptied group is removed at once.
 */
public final class GroupTable {
    /** Emptied groups kept at once at most; each costs its ring and whatever history it holds. */
    public static final int MAX_LINGERING = 10_000;

    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    /**
     * The same groups' names in order, for List's pages: a page starts where the last one ended
     * ({@link NavigableSet#tailSet}) instead of sorting or copying the table per request. A name is
     * added and removed under its entry's lock in {@link #groups}, so the two never disagree for
     * long (a List racing a join or removal may miss or skip that one group, as it would anyway).
     * The post path never touches it.
     */
    private final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();
    private final ServerConfig config;
    private final GroupBus bus;
    /** Where this node's messages outlive the process, or {@link Store#NONE}. */
    private final Store store;
    /** Paces the wakes of every group's members (see ServerConfig#coalesce); closed with the table. */
    private final Coalescer coalescer;
    private final long lingerNanos;
    /** Groups with no member that are still in the table; changed under the group's entry lock. */
    private final AtomicInteger lingering = new AtomicInteger();
    /**
     * Joiners waiting, outside the table's lock, for a group the bus is still loading (see
     * {@link GroupBus#ready}), by group: such a group is not removed. Changed under the group's
     * entry lock; empty on a single node, whose groups are ready at once.
     */
    private final ConcurrentHashMap<Group, Integer> joining = new ConcurrentHashMap<>();
    /** What every group's ring reserves its messages' memory from, or null for no bound. */
    private final MemoryBudget rings;
    /**
     * How long a group without members stays in memory when a store keeps it: long enough that a
     * conversation pausing between posts is not read back from disk each time, short enough that
     * rings an attacker filled and left (up to the rings budget) are given back within seconds
     * (60 s kept the hostile suite's ring flood 150 MB over its start for the whole of its 30 s check).
     */
    static final java.time.Duration STORED_LINGER = java.time.Duration.ofSeconds(10);
    /** Post ids every group remembers, together; at most {@link #idsCap}. */
    private final java.util.concurrent.atomic.AtomicLong remembered = new java.util.concurrent.atomic.AtomicLong();
    private final long idsCap;

    public GroupTable(ServerConfig config) {
        this(config, GroupBus.LOCAL);
    }

    public GroupTable(ServerConfig config, GroupBus bus) {
        this(config, bus, null);
    }

    /** @param rings the server-wide rings budget every group's ring draws from, or null for none */
    public GroupTable(ServerConfig config, GroupBus bus, MemoryBudget rings) {
        this(config, bus, Store.NONE, rings);
    }

    /**
     * @param store where messages outlive the process ({@link Store#NONE}: nowhere)
     * @param rings the server-wide rings budget every group's ring draws from, or null for none
     */
    public GroupTable(ServerConfig config, GroupBus bus, Store store, MemoryBudget rings) {
        this.config = config;
        this.bus = bus;
        this.store = store;
        this.rings = rings;
        this.coalescer = new Coalescer(config.coalesce());
        // With a store a group outlives its members there; memory keeps the recently used ones a
        // while (at most MAX_LINGERING), so a conversation that pauses is not read back at once.
        this.lingerNanos = store.persistent()
                ? Math.max(config.groupLinger().toNanos(), STORED_LINGER.toNanos())
                : config.groupLinger().toNanos();
        // Each remembered post id costs about 256 bytes (its claim, the map's node, the id): the
        // ids of every group together take at most a 64th of the memory budget.
        this.idsCap = Math.max(10_000, config.maxMemoryBytes() / 64 / 256);
    }

    /** Stops the wake pacing's timer thread (running any wake still pending); the bus is the server's to close. */
    public void close() {
        coalescer.close();
    }

    /** Where posts go: {@link GroupBus#LOCAL}, or a bus that shares groups with other nodes. */
    public GroupBus bus() {
        return bus;
    }

    /** Where messages outlive the process: {@link Store#NONE} without a store. */
    public Store store() {
        return store;
    }

    /** How long a joiner waits for a cluster bus to load a new group's earlier messages. */
    private static final long READY_WAIT_MILLIS = 10_000;

    public Group get(String name) {
        return groups.get(name);
    }

    public int size() {
        return groups.size();
    }

    public Collection<Group> all() {
        return groups.values();
    }

    /** The group names in order after {@code after} (null: from the first); a live view, weakly consistent. */
    NavigableSet<String> namesAfter(String after) {
        return after == null ? names : names.tailSet(after, false);
    }

    /** A membership: the group joined and the receiver that reads its ring. */
    record Membership(Group group, Receiver<Posted> receiver) {}

    /**
     * Makes {@code member} a member of the named group, creating the group on first use. Its
     * receiver starts {@code history} messages back (at most the group capacity), so earlier
     * messages and live ones arrive as one sequence, without a gap or a duplicate.
     */
    Membership join(String name, Session member, Wakeable listener, long history) {
        Membership[] out = new Membership[1];
        Group[] loading = new Group[1];
        groups.compute(name, (n, g) -> {
            Group group = g != null ? g : create(n);
            if (!bus.ready(group)) {
                // A cluster bus is still loading its earlier messages: wait outside the table's lock.
                joining.merge(group, 1, Integer::sum);
                loading[0] = group;
                return group;
            }
            out[0] = new Membership(group, group.channel().subscribe(listener, history));
            added(group, member);
            return group;
        });
        if (out[0] != null) return out[0];
        if (!bus.awaitReady(loading[0], READY_WAIT_MILLIS)) {
            Log.warn("cluster.history_load_timeout", "group", name);
        }
        // Waiting kept the group in the table, so this is the same group.
        groups.compute(name, (n, g) -> {
            joining.computeIfPresent(g, (k, waiting) -> waiting == 1 ? null : waiting - 1);
            out[0] = new Membership(g, g.channel().subscribe(listener, history));
            added(g, member);
            return g;
        });
        return out[0];
    }

    private Group create(String name) {
        return create(name, config.groupCapacity());
    }

    /**
     * A group new to memory, with up to {@code recent} of its newest stored messages in its ring
     * (older ones, and all of them if none are loaded, are read from the store when asked for).
     */
    private Group create(String name, int recent) {
        Store.GroupState state = Store.GroupState.EMPTY;
        if (store.persistent()) {
            long idsSince = System.currentTimeMillis() - config.dedupWindow().toMillis();
            state = store.load(name, recent, idsSince);
        }
        Group g = new Group(name, config, coalescer, rings, state, new PostIds(remembered, idsCap));
        names.add(name); // under the entry's lock (create runs inside compute)
        bus.created(g);
        return g;
    }

    /**
     * The named group: this node's, or one the store keeps (loaded into memory now, without
     * members, to linger as any emptied group does); null if neither has it.
     */
    Group find(String name) {
        Group g = groups.get(name);
        if (g != null || !store.persistent() || !store.exists(name)) return g;
        return groups.compute(name, (n, old) -> {
            if (old != null) return old;
            // No member yet, so nothing in its ring: a client fetching or posting to many stored
            // groups must not fill the rings budget with their history (the store serves it).
            Group loaded = create(n, 0);
            lingering.incrementAndGet();
            loaded.emptySince = System.nanoTime() | 1;
            return loaded;
        });
    }

    /**
     * The epoch seqs belong to: the bus's if it keeps one, else the store's; without either, this
     * process's own, since an in-memory server's seqs start again with every start.
     */
    public String epoch() {
        String e = bus.epoch();
        if (e == null) e = store.epoch();
        return e != null ? e : processEpoch;
    }

    /** A new name for the seqs of a server that keeps nothing: 16 hex digits, made at start. */
    private final String processEpoch = String.format("%016x", new java.security.SecureRandom().nextLong());

    /** Post ids remembered by every group together, for deduplication. */
    public long rememberedIds() {
        return remembered.get();
    }

    /** Under the name's entry lock: a lingering group that gets a member is no longer lingering. */
    private void added(Group g, Session member) {
        if (g.emptySince != 0) {
            g.emptySince = 0;
            lingering.decrementAndGet();
        }
        g.added(member);
    }

    /**
     * Ends a membership. The group lingers once empty (see the class comment), or goes at once
     * with a zero linger or when too many already linger.
     */
    void leave(Membership m, Session member) {
        boolean[] gone = new boolean[1];
        groups.computeIfPresent(m.group().name(), (n, g) -> {
            if (g != m.group()) return g;
            g.removed(member);
            m.receiver().close();
            if (g.members() > 0 || joining.containsKey(g)) return g;
            // (A group may go while its posts are still on their way to the store: the store's
            // load waits for them, so a reload numbers on from the last seq given.)
            if (lingerNanos > 0) {
                if (lingering.incrementAndGet() <= MAX_LINGERING) {
                    g.emptySince = System.nanoTime() | 1;
                    return g;
                }
                lingering.decrementAndGet();
            }
            gone[0] = true;
            names.remove(n);
            return null;
        });
        m.receiver().close(); // idempotent; covers a group already gone
        if (gone[0]) removed(m.group());
    }

    /**
     * Removes a dropped group from memory at once, its ring and history with it (its members were
     * expelled first; one that joined meanwhile keeps it there, as a group made again).
     */
    void drop(String name) {
        Group[] gone = new Group[1];
        groups.computeIfPresent(name, (n, g) -> {
            if (g.members() > 0 || joining.containsKey(g)) return g;
            if (g.emptySince != 0) lingering.decrementAndGet();
            names.remove(n);
            gone[0] = g;
            return null;
        });
        if (gone[0] != null) removed(gone[0]);
    }

    /** Housekeeping: removes the groups that have had no member for the linger. */
    void expire(long now) {
        long idsBefore = System.currentTimeMillis() - config.dedupWindow().toMillis();
        if (remembered.get() > 0) {
            for (Group group : groups.values()) group.ids().expire(idsBefore);
        }
        if (lingering.get() == 0) return;
        for (Group group : groups.values()) {
            if (group.emptySince == 0) continue; // a racy read: the decision below is taken under the lock
            boolean[] gone = new boolean[1];
            groups.computeIfPresent(group.name(), (n, g) -> {
                if (g != group || g.emptySince == 0 || now - g.emptySince < lingerNanos) return g;
                lingering.decrementAndGet();
                gone[0] = true;
                names.remove(n);
                return null;
            });
            if (gone[0]) removed(group);
        }
    }

    /** Groups with no member kept for the linger; a snapshot. */
    public int lingering() {
        return lingering.get();
    }

    private void removed(Group g) {
        g.ids().clear();
        bus.removed(g);
        g.discard(); // its history goes with it: the rings budget gets its memory back
    }
}
