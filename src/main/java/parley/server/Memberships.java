package parley.server;

import java.util.HashMap;
import java.util.Map;
import parley.server.Metrics.ErrorKind;

/**
 * The groups one session belongs to: Join and Leave, within the per-connection limit, and leaving
 * them all at once when the session ends. Each membership is a receiver of the group's ring that
 * the session's {@link Outbound} reads.
 *
 * <p>Reader thread only (and the thread ending the session, once the reader has stopped). Each
 * method is given its {@code session} rather than keeping it: one session's parts are kept small,
 * since an idle connection costs little more than them.
 */
final class Memberships {
    /** Groups joined, by name. */
    private final Map<String, Outbound.Sub> joined = new HashMap<>();

    /**
     * Joins a group, its last {@code history} messages first. Joining a group twice changes
     * nothing. Returns an error for the client, or null.
     */
    String join(Session session, String group, long history) {
        ServerConfig config = session.config();
        String bad = checkGroupName(session, group);
        if (bad != null) return bad;
        if (joined.containsKey(group)) return null;
        if (joined.size() >= config.maxGroupsPerConnection()) {
            return session.fail(ErrorKind.MAX_GROUPS_PER_CONNECTION, "Cannot join '" + group
                    + "': a connection may belong to at most " + config.maxGroupsPerConnection() + " groups");
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
        if (outbound.extended()) Presence.joined(session, m.group(), session.name());
        return null;
    }

    /**
     * The session has said Hello as {@code name}, before known as {@code old} (null if it had not
     * said Hello): its groups' members see it leave under the old name and join under the new.
     */
    void renamed(Session session, String old, String name) {
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
    String leave(Session session, String group) {
        Outbound.Sub sub = joined.remove(group);
        if (sub == null) return session.fail(ErrorKind.NOT_MEMBER, "not a member of '" + group + "'");
        session.outbound().remove(sub);
        session.groups().leave(sub.membership, session);
        if (session.outbound().extended()) Presence.left(session, sub.membership.group(), session.name());
        return null;
    }

    /** Leaves every group, when the session ends. */
    void leaveAll(Session session) {
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
