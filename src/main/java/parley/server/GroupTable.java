package parley.server;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import parley.broadcast.Coalescer;
import parley.broadcast.Receiver;
import parley.broadcast.Wakeable;

/**
 * The server's groups by name. Lookups on the post path are lock-free; joining and leaving lock
 * only the one group's entry. A group lives while it has members: the last member to leave
 * removes it, so a client cannot grow the table without bound by joining and leaving names.
 */
public final class GroupTable {
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    private final ServerConfig config;
    private final GroupBus bus;
    /** Paces the wakes of every group's members (see ServerConfig#coalesce); closed with the table. */
    private final Coalescer coalescer;

    public GroupTable(ServerConfig config) {
        this(config, GroupBus.LOCAL);
    }

    public GroupTable(ServerConfig config, GroupBus bus) {
        this.config = config;
        this.bus = bus;
        this.coalescer = new Coalescer(config.coalesce());
    }

    /** Stops the wake pacing's timer thread (running any wake still pending); the bus is the server's to close. */
    public void close() {
        coalescer.close();
    }

    /** Where posts go: {@link GroupBus#LOCAL}, or a cluster bus. */
    public GroupBus bus() {
        return bus;
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
            if (!group.ready()) {
                // A cluster bus is still loading its earlier messages: wait outside the table's lock.
                group.waiting.incrementAndGet();
                loading[0] = group;
                return group;
            }
            out[0] = new Membership(group, group.channel().subscribe(listener, history));
            group.added(member);
            return group;
        });
        if (out[0] != null) return out[0];
        if (!loading[0].awaitReady(READY_WAIT_MILLIS)) {
            Log.warn("cluster.history_load_timeout", "group", name);
        }
        // The waiting count kept the group in the table, so this is the same group.
        groups.compute(name, (n, g) -> {
            g.waiting.decrementAndGet();
            out[0] = new Membership(g, g.channel().subscribe(listener, history));
            g.added(member);
            return g;
        });
        return out[0];
    }

    private Group create(String name) {
        Group g = new Group(name, config, coalescer);
        if (bus == GroupBus.LOCAL) g.markReady();
        else bus.created(g);
        return g;
    }

    /** Ends a membership; the group goes away with its last member. */
    void leave(Membership m, Session member) {
        boolean[] gone = new boolean[1];
        groups.computeIfPresent(m.group().name(), (n, g) -> {
            if (g != m.group()) return g;
            g.removed(member);
            m.receiver().close();
            gone[0] = g.members() == 0 && g.waiting.get() == 0;
            return gone[0] ? null : g;
        });
        m.receiver().close(); // idempotent; covers a group already gone
        if (gone[0] && bus != GroupBus.LOCAL) bus.removed(m.group());
    }
}
