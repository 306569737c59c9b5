package parley.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import parley.broadcast.Entry;
import parley.budget.MemoryBudget;
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

    /**
     * What one message read from a bus holds while it is in hand: its text (two bytes a character
     * at most), the UTF-8 bytes it was read from (three at most), and the objects around them. Its
     * encoded line is the reply queue's to count.
     */
    static long readCost(String message) {
        return 256 + 5L * message.length();
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
        MemoryBudget reads = session.chat().budgets().reads();
        String[] error = new String[1];
        boolean fromBus;
        try {
            // One message at a time, as the bus reads it: the message in hand (its text and the
            // bytes it was read from) is reserved from the reads budget until its line is queued
            // as a reply, which holds this reader back while the client's backlog is over its
            // limit. The read stops once the client is gone.
            fromBus = bus.fetch(g, group, after, Math.min(limit, config.historyMessages()), m -> {
                if (session.outbound().gone()) return false;
                long cost = readCost(m.message());
                if (!reads.tryReserve(cost)) {
                    error[0] = session.fail(ErrorKind.MEMORY, "server memory for history reads is full (the reads budget, "
                            + reads.limit() + " bytes of --max-memory); the Fetch of '" + group + "' stopped");
                    return false;
                }
                try {
                    session.reply(ext ? Codec.encode(m) : Codec.encodeMessage(m.groupName(), m.message()));
                } finally {
                    reads.release(cost);
                }
                return true;
            });
        } catch (GroupBus.Refused e) {
            return e.getMessage();
        }
        if (fromBus) return error[0];
        if (g == null) return session.noSuchGroup(group);
        // The ring's own messages: nothing is copied (they stay counted in the rings budget).
        for (Entry<Posted> e : g.history(after, Math.min(limit, config.historyMessages()))) {
            if (session.outbound().gone()) break;
            session.reply(ext ? e.value().extendedLine(e.seq()) : e.value().line());
        }
        return null;
    }
}
