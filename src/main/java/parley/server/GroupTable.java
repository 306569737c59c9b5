package parley.server;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
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

    public GroupTable(ServerConfig config) {
        this.config = config;
    }

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
        groups.compute(name, (n, g) -> {
            Group group = g != null ? g : new Group(n, config);
            out[0] = new Membership(group, group.channel().subscribe(listener, history));
            group.added(member);
            return group;
        });
        return out[0];
    }

    /** Ends a membership; the group goes away with its last member. */
    void leave(Membership m, Session member) {
        groups.computeIfPresent(m.group().name(), (n, g) -> {
            if (g != m.group()) return g;
            g.removed(member);
            m.receiver().close();
            return g.members() == 0 ? null : g;
        });
        m.receiver().close(); // idempotent; covers a group already gone
    }
}
