package parley.server;

import java.util.HashMap;
import java.util.Map;
import parley.server.Metrics.ErrorKind;

/**
 * The groups one session belongs to: Join and Leave, within the per-connection limit, and leaving
 * them all at once when the session ends. Each membership is a receiver of the group's ring that
 * the session's {@link Outbound} reads.
 *
 * <p>Reader thread only (and the thread ending the session, once the reader has stopped).
 */
final class Memberships {
    private final Session session;
    private final GroupTable groups;
    private final ServerConfig config;
    private final Outbound outbound;
    /** Groups joined, by name. */
    private final Map<String, Outbound.Sub> joined = new HashMap<>();

    Memberships(Session session, GroupTable groups, ServerConfig config, Outbound outbound) {
        this.session = session;
        this.groups = groups;
        this.config = config;
        this.outbound = outbound;
    }

    /**
     * Joins a group, its last {@code history} messages first. Joining a group twice changes
     * nothing. Returns an error for the client, or null.
     */
    String join(String group, long history) {
        String bad = checkGroupName(group);
        if (bad != null) return bad;
        if (joined.containsKey(group)) return null;
        if (joined.size() >= config.maxGroupsPerConnection()) {
            return session.fail(ErrorKind.MAX_GROUPS_PER_CONNECTION, "Cannot join '" + group
                    + "': a connection may belong to at most " + config.maxGroupsPerConnection() + " groups");
        }
        Outbound.Sub sub = new Outbound.Sub(groups.join(group, session, outbound, history));
        joined.put(group, sub);
        outbound.add(sub);
        return null;
    }

    /** Delivery from the group stops at once: the writer stops reading its ring before this returns. */
    String leave(String group) {
        Outbound.Sub sub = joined.remove(group);
        if (sub == null) return session.fail(ErrorKind.NOT_MEMBER, "not a member of '" + group + "'");
        outbound.remove(sub);
        groups.leave(sub.membership, session);
        return null;
    }

    /** Leaves every group, when the session ends. */
    void leaveAll() {
        for (Outbound.Sub sub : joined.values()) {
            outbound.remove(sub);
            groups.leave(sub.membership, session);
        }
        joined.clear();
    }

    private String checkGroupName(String name) {
        if (name.isEmpty()) return session.fail(ErrorKind.BAD_GROUP_NAME, "group name must not be empty");
        if (name.codePointCount(0, name.length()) > config.maxGroupNameChars()) {
            return session.fail(ErrorKind.MAX_GROUP_NAME, "group name longer than " + config.maxGroupNameChars() + " characters");
        }
        return null;
    }
}
