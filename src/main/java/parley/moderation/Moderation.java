package parley.moderation;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import parley.protocol.FromClient;

/**
 * The server's moderation state, kept in memory over its {@link ModerationRecords}: each group's
 * rules, the admins (those the command line names and those stored) and the suspended accounts.
 * Decisions are {@link Rules}'; this class applies them, one change at a time, writing each to
 * the records before it is seen. Reads are lock-free; changes take this object's lock, so two
 * changes to one group never interleave.
 */
public final class Moderation {
    private final ModerationRecords records;
    private final LongSupplier clock;
    private final Set<String> configuredAdmins;
    private final boolean groupsNeedOwner;
    private final Map<String, GroupRules> groups;
    private final Set<String> storedAdmins;
    private final Map<String, Long> suspended;

    /**
     * @param clock            the time in ms since 1970 (injectable, so expiry is decided without waiting)
     * @param admins           the server's admins from the command line ({@code --admins})
     * @param groupsNeedOwner  {@code --groups-need-owner}: only accounts may create groups
     */
    public Moderation(ModerationRecords records, LongSupplier clock, Set<String> admins, boolean groupsNeedOwner) {
        this.records = records;
        this.clock = clock;
        this.configuredAdmins = Set.copyOf(admins);
        this.groupsNeedOwner = groupsNeedOwner;
        this.groups = new ConcurrentHashMap<>(records.groups());
        this.storedAdmins = ConcurrentHashMap.newKeySet();
        this.storedAdmins.addAll(records.admins());
        this.suspended = new ConcurrentHashMap<>(records.suspensions());
    }

    /** In memory, with the wall clock and no admins: what a server without options has. */
    public static Moderation inMemory() {
        return new Moderation(new MemoryModerationRecords(), System::currentTimeMillis, Set.of(), false);
    }

    public long now() {
        return clock.getAsLong();
    }

    public boolean groupsNeedOwner() {
        return groupsNeedOwner;
    }

    /** The group's rules ({@link GroupRules#OPEN} for a group moderation knows nothing of). */
    public GroupRules rules(String group) {
        return groups.getOrDefault(group, GroupRules.OPEN);
    }

    /** Whether moderation keeps anything for {@code group}: it exists even with no member and no message. */
    public boolean known(String group) {
        return groups.containsKey(group);
    }

    public boolean isAdmin(String name) {
        return name != null && (configuredAdmins.contains(name) || storedAdmins.contains(name));
    }

    /** Who a connection is, for the rules: {@code name} (or null), whether signed in to that account. */
    public Actor actor(String name, boolean account) {
        return new Actor(name, account, account && isAdmin(name));
    }

    /** The names the rules ask about: accounts as {@code isAccount} says, admins as this server's. */
    public Names names(java.util.function.Predicate<String> isAccount) {
        return new Names() {
            @Override public boolean isAccount(String name) { return isAccount.test(name); }
            @Override public boolean isAdmin(String name) { return Moderation.this.isAdmin(name); }
        };
    }

    /**
     * Decides {@code request} on the group as it is now and, if allowed, makes the change (stored
     * first, so a change the records refuse is not made: the exception reaches the caller).
     */
    public synchronized Decision apply(String group, Actor actor, FromClient.Moderation request, Names names) {
        long now = now();
        GroupRules current = rules(group).expired(now);
        Decision d = Rules.decide(group, current, actor, request, now, names);
        if (d instanceof Decision.Change c) keep(group, c.next());
        return d;
    }

    /**
     * The group was just created by {@code creator}: an account becomes its owner unless the group
     * already has rules (another creator won the race, or it outlived its members). Returns whether
     * {@code creator} now owns it.
     */
    public synchronized boolean created(String group, Actor creator) {
        if (!creator.account() || creator.name() == null || groups.containsKey(group)) return false;
        keep(group, GroupRules.ownedBy(creator.name()));
        return true;
    }

    /** Forgets the group's rules (it was dropped). */
    public synchronized void forget(String group) {
        keep(group, GroupRules.OPEN);
    }

    private void keep(String group, GroupRules next) {
        records.save(group, next);
        if (next.open()) groups.remove(group);
        else groups.put(group, next);
    }

    public String joinRefusal(String group, Actor actor) {
        return Rules.joinRefusal(group, rules(group), actor, now());
    }

    /** Null if {@code actor} (a member of the group or not) may post to it; a group without rules costs one lookup. */
    public String postRefusal(String group, Actor actor, boolean member) {
        GroupRules r = groups.get(group);
        return r == null ? null : Rules.postRefusal(group, r, actor, member, now());
    }

    public String createRefusal(Actor actor) {
        return Rules.createRefusal(actor, groupsNeedOwner);
    }

    public boolean visible(String group, Actor actor, boolean member) {
        GroupRules r = groups.get(group);
        return r == null || Rules.visible(r, actor, member);
    }

    // ------------------------------------------------------------------ server-wide

    /** When the account's suspension ends (ms since 1970), or 0 if it is not suspended now. */
    public long suspendedUntil(String name) {
        Long until = name == null ? null : suspended.get(name);
        return until != null && now() < until ? until : 0;
    }

    /** Suspends {@code name} for {@code forMillis} from now; returns when it ends. */
    public synchronized long suspend(String name, long forMillis) {
        long until = now() + forMillis;
        records.suspend(name, until);
        suspended.put(name, until);
        return until;
    }

    /** Lifts a suspension; false if the account was not suspended. */
    public synchronized boolean unsuspend(String name) {
        boolean was = suspendedUntil(name) > 0;
        records.suspend(name, 0);
        suspended.remove(name);
        return was;
    }
}
