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
    private final int capacity;

    public GroupTable(int capacity) {
        this.capacity = capacity;
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

    /** Makes {@code listener} a member of the named group, creating the group on first use. */
    Membership join(String name, Wakeable listener) {
        Membership[] out = new Membership[1];
        groups.compute(name, (n, g) -> {
            Group group = g != null ? g : new Group(n, capacity);
            out[0] = new Membership(group, group.channel().subscribe(listener));
            return group;
        });
        return out[0];
    }

    /** Ends a membership; the group goes away with its last member. */
    void leave(Membership m) {
        groups.computeIfPresent(m.group().name(), (n, g) -> {
            if (g != m.group()) return g;
            m.receiver().close();
            return g.members() == 0 ? null : g;
        });
        m.receiver().close(); // idempotent; covers a group already gone
    }
}
