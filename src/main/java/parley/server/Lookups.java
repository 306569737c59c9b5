package parley.server;

import java.util.ArrayList;
import java.util.List;
import parley.broadcast.Entry;
import parley.budget.MemoryBudget;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.server.Metrics.ErrorKind;

/**
 * The requests that read groups without changing them: List (a page of the groups, in name
 * order, and their member counts), Members (a page of who is in one) and Fetch (a group's earlier
 * messages, from this node's ring or, in a cluster, from the bus's retained history). Each answer
 * is a reply to the session's client.
 *
 * <p>Reader thread only. Holds nothing of its own: every session shares it.
 */
final class Lookups {
    private Lookups() {}

    /**
     * Encoded bytes a page of List may reach before it stops early (with {@code more}), whatever
     * its limit: group names may be long (a 256-character name can take 1.5 KB escaped), and a page
     * must stay far under the reply backlog limit. The first entry is always sent.
     */
    static final int MAX_PAGE_BYTES = 256 * 1024;

    /**
     * A page of the groups in name order after {@code after}, then the {@code Listed} summary when
     * the request named a page ({@code limit} or {@code after}) or there is more: a plain
     * {@code {"List":{}}} whose answer fits one page gets exactly the one Groups line it always
     * got. Walks the sorted name index from {@code after}: a page costs its own size, not the
     * table's (no sort, no copy).
     */
    static String list(Session session, FromClient.ListGroups request) {
        int limit = pageLimit(request.limit());
        int maxBytes = pageBytes(session);
        List<FromServer.GroupInfo> page = new ArrayList<>(Math.min(limit, 128));
        GroupTable table = session.groups();
        long bytes = 0;
        boolean more = false;
        for (String name : table.namesAfter(request.after())) {
            Group g = table.get(name);
            if (g == null) continue; // removed since: skip it
            long size = 32 + 6L * name.length(); // at most, escaped
            if (page.size() == limit || (!page.isEmpty() && bytes + size > maxBytes)) {
                more = true;
                break;
            }
            bytes += size;
            page.add(new FromServer.GroupInfo(name, g.members()));
        }
        session.reply(Codec.encode(new FromServer.Groups(page)));
        if (more || request.paged()) {
            session.reply(Codec.encode(new FromServer.Listed(null, page.size(), more)));
        }
        return null;
    }

    /** A page of a group's member names after {@code after}, then the summary as for List. */
    static String members(Session session, FromClient.Members request) {
        String group = request.groupName();
        Group g = session.groups().get(group);
        if (g == null) return session.noSuchGroup(group);
        int limit = pageLimit(request.limit());
        java.util.NavigableSet<String> names = g.memberNames(request.after(), limit);
        boolean more = names.size() > limit;
        if (more) names.pollLast();
        session.reply(Codec.encode(new FromServer.Members(group, new ArrayList<>(names))));
        if (more || request.paged()) {
            session.reply(Codec.encode(new FromServer.Listed(group, names.size(), more)));
        }
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

    private static int pageLimit(long asked) {
        return (int) (asked == 0 ? Codec.DEFAULT_PAGE_LIMIT : Math.min(asked, Codec.MAX_PAGE_LIMIT));
    }

    /** A page's byte bound: {@link #MAX_PAGE_BYTES}, or a quarter of a smaller reply backlog limit. */
    private static int pageBytes(Session session) {
        return Math.max(4096, Math.min(MAX_PAGE_BYTES, session.config().maxReplyBacklogBytes() / 4));
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
