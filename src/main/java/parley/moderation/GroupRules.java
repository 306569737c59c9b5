package parley.moderation;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything moderation keeps for one group, immutable: its owner (null: an ownerless group, open
 * as groups were before moderation), its operators, topic (or null), modes, bans and mutes by
 * account, and the accounts invited to it. Each change makes a new one.
 */
public record GroupRules(String owner, Set<String> operators, Topic topic, Modes modes,
        Map<String, Restriction> bans, Map<String, Restriction> mutes, Set<String> invites) {

    /** A group nobody owns and nothing restricts. */
    public static final GroupRules OPEN = new GroupRules(null, Set.of(), null, Modes.OPEN, Map.of(), Map.of(), Set.of());

    public GroupRules {
        operators = Set.copyOf(operators);
        bans = Map.copyOf(bans);
        mutes = Map.copyOf(mutes);
        invites = Set.copyOf(invites);
        if (modes == null) modes = Modes.OPEN;
    }

    /** A new group owned by {@code owner}. */
    public static GroupRules ownedBy(String owner) {
        return new GroupRules(owner, Set.of(), null, Modes.OPEN, Map.of(), Map.of(), Set.of());
    }

    /** Whether this is what every group is without moderation: nothing here needs keeping. */
    public boolean open() {
        return equals(OPEN);
    }

    public boolean isOwner(String name) {
        return name != null && name.equals(owner);
    }

    /** The owner or one of the operators. */
    public boolean isOperator(String name) {
        return isOwner(name) || (name != null && operators.contains(name));
    }

    /** The ban of {@code name} in force at {@code now}, or null. */
    public Restriction banOf(String name, long now) {
        Restriction r = name == null ? null : bans.get(name);
        return r != null && r.activeAt(now) ? r : null;
    }

    /** The mute of {@code name} in force at {@code now}, or null. */
    public Restriction muteOf(String name, long now) {
        Restriction r = name == null ? null : mutes.get(name);
        return r != null && r.activeAt(now) ? r : null;
    }

    public GroupRules withOwner(String newOwner) {
        Set<String> ops = new HashSet<>(operators);
        ops.remove(newOwner);
        if (owner != null && !owner.equals(newOwner)) ops.add(owner); // the old owner stays on as an operator
        return new GroupRules(newOwner, ops, topic, modes, bans, mutes, invites);
    }

    public GroupRules withOperator(String name, boolean operator) {
        Set<String> ops = new HashSet<>(operators);
        if (operator) ops.add(name);
        else ops.remove(name);
        return new GroupRules(owner, ops, topic, modes, bans, mutes, invites);
    }

    public GroupRules withTopic(Topic t) {
        return new GroupRules(owner, operators, t, modes, bans, mutes, invites);
    }

    public GroupRules withModes(Modes m) {
        return new GroupRules(owner, operators, topic, m, bans, mutes, invites);
    }

    /** With {@code name} banned by {@code r}, or unbanned when {@code r} is null. */
    public GroupRules withBan(String name, Restriction r) {
        return new GroupRules(owner, operators, topic, modes, put(bans, name, r), mutes, invites);
    }

    /** With {@code name} muted by {@code r}, or unmuted when {@code r} is null. */
    public GroupRules withMute(String name, Restriction r) {
        return new GroupRules(owner, operators, topic, modes, bans, put(mutes, name, r), invites);
    }

    public GroupRules withInvite(String name) {
        Set<String> in = new HashSet<>(invites);
        in.add(name);
        return new GroupRules(owner, operators, topic, modes, bans, mutes, in);
    }

    /** Without the bans and mutes that have run out at {@code now}. */
    public GroupRules expired(long now) {
        Map<String, Restriction> b = new HashMap<>(bans);
        Map<String, Restriction> m = new HashMap<>(mutes);
        b.values().removeIf(r -> !r.activeAt(now));
        m.values().removeIf(r -> !r.activeAt(now));
        return b.size() == bans.size() && m.size() == mutes.size() ? this
                : new GroupRules(owner, operators, topic, modes, b, m, invites);
    }

    private static Map<String, Restriction> put(Map<String, Restriction> map, String name, Restriction r) {
        Map<String, Restriction> copy = new HashMap<>(map);
        if (r == null) copy.remove(name);
        else copy.put(name, r);
        return copy;
    }
}
