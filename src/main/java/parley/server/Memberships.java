package parley.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import parley.moderation.Actor;
import parley.moderation.Moderation;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.server.Metrics.ErrorKind;

/**
 * The groups one session belongs to: Join and Leave, within the per-connection limit, and leaving
 * them all at once when the session ends. Each membership is a receiver of the group's ring that
 * the session's {@link Outbound} reads.
 *
 * <p>A Join is first put to the group's moderation rules (docs/moderation.md): a ban, a private
 * group without an account, an invite-only group without an invitation, or {@code
 * --groups-need-owner} without an account refuses it; an account that creates a group owns it.
 *
 * <p>The reader thread (and the thread ending the session, once the reader has stopped), and an
 * operator's reader expelling the session ({@link #expel}): the changes are made under this
 * object's lock. Each method is given its {@code session} rather than keeping it: one session's
 * parts are kept small, since an idle connection costs little more than them.
 */
final class Memberships {
    /** Groups joined, by name. */
    private final Map<String, Outbound.Sub> joined = new ConcurrentHashMap<>();

    /**
     * Joins a group, its last {@code history} messages first. Joining a group twice changes
     * nothing. Returns an error for the client, or null.
     */
    synchronized String join(Session session, String group, long history) {
        ServerConfig config = session.config();
        String bad = checkGroupName(session, group);
        if (bad != null) return bad;
        if (joined.containsKey(group)) return null;
        if (joined.size() >= config.maxGroupsPerConnection()) {
            return session.fail(ErrorKind.MAX_GROUPS_PER_CONNECTION, "Cannot join '" + group
                    + "': a connection may belong to at most " + config.maxGroupsPerConnection() + " groups");
        }
        Moderation moderation = session.chat().moderation();
        Actor actor = session.actor();
        String refused = moderation.joinRefusal(group, actor);
        if (refused != null) return session.refuseByModeration(refused);
        // Only an account's creating a group changes anything (it owns it), or anyone's under
        // --groups-need-owner: the others' Joins do not ask the store whether the group is new.
        boolean creating = (actor.account() || moderation.groupsNeedOwner()) && !moderation.known(group)
                && isNew(session.groups(), group);
        if (creating) {
            refused = moderation.createRefusal(actor);
            if (refused != null) return session.refuseByModeration(refused);
        }
        Outbound outbound = session.outbound();
        GroupTable.Membership m = session.groups().join(group, session, outbound, history);
        // Read before the writer can see the membership: how much history the ring will give.
        long start = m.receiver().position();
        long fromRing = m.receiver().channel().tail() - start;
        boolean older = history > fromRing && session.groups().store().persistent();
        Outbound.Sub sub = older ? Outbound.Sub.held(m) : new Outbound.Sub(m);
        joined.put(group, sub);
        outbound.add(sub);
        long sent = fromRing;
        if (older) {
            long more = History.send(session, m.group(), -1, firstSeq(m.group(), start), history - fromRing, true);
            outbound.release(sub); // the ring's history and the live messages follow the store's
            sent += Math.max(0, more);
        }
        if (history > 0 && outbound.extended()) session.reply(History.fetched(session, m.group(), sent));
        if (creating && moderation.created(group, actor)) {
            parley.log.Log.info("moderation.owner", "group", group, "owner", actor.name(), "why", "created the group");
        }
        if (outbound.extended()) {
            Presence.joined(session, m.group(), session.name());
            parley.moderation.Topic topic = moderation.rules(group).topic();
            if (topic != null) {
                session.reply(Codec.encode(new FromServer.Topic(group, topic.text(), topic.by(), topic.ts())));
            }
        }
        return null;
    }

    /** Whether no group of this name exists yet: none in memory, none in the store. */
    private static boolean isNew(GroupTable groups, String group) {
        return groups.get(group) == null && !(groups.store().persistent() && groups.store().exists(group));
    }

    /** Whether the session is a member of {@code group} now. */
    boolean has(String group) {
        return joined.containsKey(group);
    }

    /**
     * Removes the session from {@code group} at a moderator's word (a kick, a ban, a drop), from
     * the moderator's thread: delivery from the group stops before this returns, so nothing the
     * group gets next reaches the session. Telling it why, and the others that it left, is the
     * caller's (after the event is in the group's order). Returns the group, or null if the
     * session was not a member.
     */
    synchronized Group expel(Session session, String group) {
        Outbound.Sub sub = joined.remove(group);
        if (sub == null) return null;
        session.outbound().remove(sub);
        session.groups().leave(sub.membership, session);
        return sub.membership.group();
    }

    /**
     * The session has said Hello as {@code name}, before known as {@code old} (null if it had not
     * said Hello): its groups' members see it leave under the old name and join under the new.
     */
    synchronized void renamed(Session session, String old, String name) {
        for (Outbound.Sub sub : joined.values()) {
            Group g = sub.membership.group();
            if (old != null) Presence.left(session, g, old);
            Presence.joined(session, g, name);
        }
    }

    /** The wire seq of the message at ring sequence {@code ringSeq}, or of the next post if there is none yet. */
    private static long firstSeq(Group g, long ringSeq) {
        parley.broadcast.Entry<Posted> e = g.channel().get(ringSeq);
        return e != null ? e.value().wireSeq(e.seq()) : g.lastSeq() + 1;
    }

    /** Delivery from the group stops at once: the writer stops reading its ring before this returns. */
    synchronized String leave(Session session, String group) {
        Outbound.Sub sub = joined.remove(group);
        if (sub == null) return session.fail(ErrorKind.NOT_MEMBER, "not a member of '" + group + "'");
        session.outbound().remove(sub);
        session.groups().leave(sub.membership, session);
        if (session.outbound().extended()) Presence.left(session, sub.membership.group(), session.name());
        return null;
    }

    /** Leaves every group, when the session ends. */
    synchronized void leaveAll(Session session) {
        boolean present = session.outbound().extended() && session.name() != null;
        for (Outbound.Sub sub : joined.values()) {
            session.outbound().remove(sub);
            session.groups().leave(sub.membership, session);
            if (present) Presence.left(session, sub.membership.group(), session.name());
        }
        joined.clear();
    }

    private static String checkGroupName(Session session, String name) {
        if (name.isEmpty()) return session.fail(ErrorKind.BAD_GROUP_NAME, "group name must not be empty");
        int max = session.config().maxGroupNameChars();
        if (name.codePointCount(0, name.length()) > max) {
            return session.fail(ErrorKind.MAX_GROUP_NAME, "group name longer than " + max + " characters");
        }
        return null;
    }
}
