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
        Outbound.Sub sub = new Outbound.Sub(session.groups().join(group, session, outbound, history));
        joined.put(group, sub);
        outbound.add(sub);
        return null;
    }

    /** Delivery from the group stops at once: the writer stops reading its ring before this returns. */
    String leave(Session session, String group) {
        Outbound.Sub sub = joined.remove(group);
        if (sub == null) return session.fail(ErrorKind.NOT_MEMBER, "not a member of '" + group + "'");
        session.outbound().remove(sub);
        session.groups().leave(sub.membership, session);
        return null;
    }

    /** Leaves every group, when the session ends. */
    void leaveAll(Session session) {
        for (Outbound.Sub sub : joined.values()) {
            session.outbound().remove(sub);
            session.groups().leave(sub.membership, session);
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
