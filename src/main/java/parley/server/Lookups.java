package parley.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import parley.broadcast.Entry;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.server.Metrics.ErrorKind;

/**
 * The requests that read groups without changing them: List (every group and its member count),
 * Members (who is in one) and Fetch (a group's earlier messages, from this node's ring or, in a
 * cluster, from the bus's retained history). Each answer is a reply to the session's client.
 *
 * <p>Reader thread only. Holds nothing of its own: every session shares it.
 */
final class Lookups {
    private Lookups() {}

    static String list(Session session) {
        List<FromServer.GroupInfo> all = new ArrayList<>();
        for (Group g : session.groups().all()) {
            all.add(new FromServer.GroupInfo(g.name(), g.members()));
        }
        all.sort(Comparator.comparing(FromServer.GroupInfo::name));
        session.reply(Codec.encode(new FromServer.Groups(all)));
        return null;
    }

    static String members(Session session, String group) {
        Group g = session.groups().get(group);
        if (g == null) return session.noSuchGroup(group);
        session.reply(Codec.encode(new FromServer.Members(group, g.memberNames())));
        return null;
    }

    /** {@code after} is a wire seq (first message is 1), or -1 for the newest {@code limit}. */
    static String fetch(Session session, String group, long after, long limit) {
        GroupTable groups = session.groups();
        ServerConfig config = session.config();
        Group g = groups.get(group);
        GroupBus bus = groups.bus();
        if (limit < 1) {
            return g == null && !bus.sharesGroups()
                    ? session.noSuchGroup(group) : session.fail(ErrorKind.BAD_REQUEST, "limit must be at least 1");
        }
        boolean ext = session.outbound().extended();
        List<FromServer.Message> held;
        try {
            held = bus.fetch(g, group, after, Math.min(limit, config.historyMessages()));
        } catch (GroupBus.Refused e) {
            return e.getMessage();
        }
        if (held != null) {
            for (FromServer.Message m : held) {
                session.reply(ext ? Codec.encode(m) : Codec.encodeMessage(m.groupName(), m.message()));
            }
            return null;
        }
        if (g == null) return session.noSuchGroup(group);
        for (Entry<Posted> e : g.history(after, Math.min(limit, config.historyMessages()))) {
            session.reply(ext ? e.value().extendedLine(e.seq()) : e.value().line());
        }
        return null;
    }
}
