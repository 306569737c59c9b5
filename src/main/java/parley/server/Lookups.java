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
        parley.moderation.Moderation moderation = session.chat().moderation();
        parley.moderation.Actor actor = null;
        long bytes = 0;
        boolean more = false;
        for (String name : names(table, request.after(), limit)) {
            Group g = table.get(name);
            if (g == null && !table.store().persistent()) continue; // removed since: skip it
            if (moderation.known(name)) { // a private group is listed only to its members
                if (actor == null) actor = session.actor();
                if (!moderation.visible(name, actor, session.memberships().has(name))) continue;
            }
            long size = 32 + 6L * name.length(); // at most, escaped
            if (page.size() == limit || (!page.isEmpty() && bytes + size > maxBytes)) {
                more = true;
                break;
            }
            bytes += size;
            page.add(new FromServer.GroupInfo(name, g == null ? 0 : g.members()));
        }
        session.reply(Codec.encode(new FromServer.Groups(page)));
        if (more || request.paged()) {
            session.reply(Codec.encode(new FromServer.Listed(null, page.size(), more)));
        }
        return null;
    }

    /**
     * Group names in order after {@code after}: this node's, merged with those the store keeps
     * (at most {@code limit + 1} of the store's are read: enough to fill the page and know if
     * there is more).
     */
    private static Iterable<String> names(GroupTable table, String after, int limit) {
        Iterable<String> memory = table.namesAfter(after);
        if (!table.store().persistent()) return memory;
        java.util.TreeSet<String> merged = new java.util.TreeSet<>(table.store().groupsAfter(after, limit + 1));
        for (String name : memory) {
            if (merged.size() > limit && name.compareTo(merged.last()) > 0) break;
            merged.add(name);
        }
        return merged;
    }

    /** A page of a group's member names after {@code after}, then the summary as for List. */
    static String members(Session session, FromClient.Members request) {
        String group = request.groupName();
        String hidden = hidden(session, group);
        if (hidden != null) return hidden;
        Group g = session.groups().get(group);
        if (g == null && session.groups().store().persistent() && session.groups().store().exists(group)) {
            // A group the store keeps, with no member on this node: nobody to list.
            session.reply(Codec.encode(new FromServer.Members(group, List.of())));
            if (request.paged()) session.reply(Codec.encode(new FromServer.Listed(group, 0, false)));
            return null;
        }
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

    /** The refusal for reading a private group the session may not see (docs/moderation.md), or null. */
    private static String hidden(Session session, String group) {
        parley.moderation.Moderation moderation = session.chat().moderation();
        if (!moderation.known(group) || moderation.visible(group, session.actor(), session.memberships().has(group))) {
            return null;
        }
        return session.refuseByModeration("'" + group + "' is private; only its members can see it");
    }

    /** The Fetched summary for a group this node has no member of: the bus's retained range, or 0 and 0. */
    private static byte[] fetchedFromBus(GroupBus bus, String group, long count) throws GroupBus.Refused {
        long[] r = bus.retained(group);
        return Codec.encode(new FromServer.Fetched(group, count, r == null ? 0 : r[0], r == null ? 0 : r[1]));
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

    /**
     * A Fetch: {@code after} and {@code before} are wire seqs, or -1 when not given (never both).
     * Messages come from the bus's retained history in a cluster, else from the ring and the
     * store; on a Hello'd connection a {@code Fetched} summary ends them.
     */
    static String fetch(Session session, String group, long after, long before, long limit) {
        String hidden = hidden(session, group);
        if (hidden != null) return hidden;
        GroupTable groups = session.groups();
        GroupBus bus = groups.bus();
        Group g = bus.sharesGroups() ? groups.get(group) : groups.find(group);
        if (limit < 1) {
            return g == null && !bus.sharesGroups()
                    ? session.noSuchGroup(group) : session.fail(ErrorKind.BAD_REQUEST, "limit must be at least 1");
        }
        if (bus.sharesGroups()) return fetchFromBus(session, g, group, after, before, limit);
        if (g == null) return session.noSuchGroup(group);
        long max = groups.store().persistent() ? limit : Math.min(limit, session.config().historyMessages());
        long sent = before >= 0 ? History.send(session, g, -1, before, max, true)
                : after >= 0 ? History.send(session, g, after, Long.MAX_VALUE, max, false)
                : History.send(session, g, -1, Long.MAX_VALUE, max, true);
        if (sent >= 0 && session.outbound().extended() && !session.outbound().gone()) {
            session.reply(History.fetched(session, g, sent));
        }
        return null;
    }

    /** A Fetch served from a cluster bus's retained history (or this node's ring, if the bus says so). */
    private static String fetchFromBus(Session session, Group g, String group, long after, long before, long limit) {
        GroupBus bus = session.groups().bus();
        boolean ext = session.outbound().extended();
        MemoryBudget reads = session.chat().budgets().reads();
        String[] error = new String[1];
        long[] sent = new long[1];
        long max = Math.min(limit, session.config().historyMessages());
        boolean fromBus;
        try {
            // One message at a time, as the bus reads it: the message in hand (its text and the
            // bytes it was read from) is reserved from the reads budget until its line is queued
            // as a reply, which holds this reader back while the client's backlog is over its
            // limit. The read stops once the client is gone.
            fromBus = bus.fetch(g, group, after, before, max, m -> {
                if (session.outbound().gone()) return false;
                long cost = readCost(m.message());
                if (!reads.tryReserve(cost)) {
                    error[0] = session.fail(ErrorKind.MEMORY, "server memory for history reads is full (the reads budget, "
                            + reads.limit() + " bytes of --max-memory); the Fetch of '" + group + "' stopped");
                    return false;
                }
                try {
                    session.reply(ext ? Codec.encode(m) : Codec.encodeMessage(m.groupName(), m.message()));
                    sent[0]++;
                } finally {
                    reads.release(cost);
                }
                return true;
            });
            if (!fromBus) {
                if (g == null) return session.noSuchGroup(group);
                sent[0] = before >= 0 ? History.send(session, g, -1, before, max, true)
                        : History.send(session, g, after, Long.MAX_VALUE, max, after < 0);
            }
            if (error[0] == null && sent[0] >= 0 && ext && !session.outbound().gone()) {
                session.reply(g != null ? History.fetched(session, g, sent[0]) : fetchedFromBus(bus, group, sent[0]));
            }
        } catch (GroupBus.Refused e) {
            return e.getMessage();
        }
        return error[0];
    }
}
