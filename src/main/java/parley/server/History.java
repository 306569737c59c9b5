package parley.server;

import java.util.List;
import parley.broadcast.Entry;
import parley.budget.MemoryBudget;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.server.Metrics.ErrorKind;

/**
 * A group's retained messages on a single node, as one sequence: the newest in its ring (memory),
 * the older ones in the store, which holds everything committed. A range is served oldest first,
 * each message queued as a reply as it is read: the store's are read one at a time, each held in
 * the reads budget until its line is queued (the reply backlog holds the reader back), so no
 * answer is ever held whole. The ring's are already in memory and counted in the rings budget.
 *
 * <p>Reader thread only.
 */
final class History {
    private History() {}

    /**
     * Sends the messages of {@code g} with {@code after < seq < before}, oldest first, at most
     * {@code limit}: the oldest such, or the newest such if {@code newest}. Returns how many were
     * sent, or -1 if the reads budget stopped the store's part (the client was told).
     */
    static long send(Session session, Group g, long after, long before, long limit, boolean newest) {
        Store store = session.groups().store();
        long ringOldest = g.oldestHeldSeq(); // 0: the ring holds nothing
        long storeBefore = ringOldest > 0 ? Math.min(before, ringOldest) : before;
        boolean useStore = store.persistent() && storeBefore > after + 1;
        if (newest) {
            List<Entry<Posted>> ring = g.history(after, before, limit, true);
            long fromStore = useStore ? readStore(session, g, after, storeBefore, limit - ring.size(), true) : 0;
            if (fromStore < 0) return -1;
            return fromStore + sendRing(session, ring);
        }
        long fromStore = useStore ? readStore(session, g, after, storeBefore, limit, false) : 0;
        if (fromStore < 0) return -1;
        // The ring's messages are all newer than the store's part: they follow it.
        return fromStore + sendRing(session, g.history(after, before, limit - fromStore, false));
    }

    /** The Fetched summary that ends a Fetch or a Join's history on a Hello'd connection. */
    static byte[] fetched(Session session, Group g, long count) {
        GroupBus bus = session.groups().bus();
        if (bus.sharesGroups()) {
            try {
                long[] r = bus.retained(g.name());
                if (r != null) return Codec.encode(new FromServer.Fetched(g.name(), count, r[0], r[1]));
            } catch (GroupBus.Refused e) {
                // the bus cannot say now: what this node holds is the best answer
            }
        }
        long[] stored = session.groups().store().retained(g.name());
        long ringOldest = g.oldestHeldSeq();
        long oldest = stored[0] > 0 && (ringOldest == 0 || stored[0] < ringOldest) ? stored[0] : ringOldest;
        long newest = Math.max(stored[1], g.newestHeldSeq());
        return Codec.encode(new FromServer.Fetched(g.name(), count, oldest, newest));
    }

    private static long sendRing(Session session, List<Entry<Posted>> ring) {
        boolean ext = session.outbound().extended();
        long n = 0;
        for (Entry<Posted> e : ring) {
            if (session.outbound().gone()) break;
            if (!ext && e.value().event() != null) continue; // a book connection never gets events
            session.reply(ext ? e.value().extendedLine(e.seq()) : e.value().line());
            n++;
        }
        return n;
    }

    private static long readStore(Session session, Group g, long after, long before, long limit, boolean newest) {
        if (limit <= 0) return 0;
        boolean ext = session.outbound().extended();
        MemoryBudget reads = session.chat().budgets().reads();
        boolean[] refused = new boolean[1];
        int n = session.groups().store().read(g.name(), after, before, (int) Math.min(limit, Integer.MAX_VALUE), newest, m -> {
            if (session.outbound().gone()) return false;
            long cost = Lookups.readCost(m.text());
            if (!reads.tryReserve(cost)) {
                refused[0] = true;
                session.reply(Codec.encodeError(session.fail(ErrorKind.MEMORY,
                        "server memory for history reads is full (the reads budget, " + reads.limit()
                                + " bytes of --max-memory); the history of '" + g.name() + "' stopped")));
                return false;
            }
            try {
                if (m.event()) {
                    FromServer.GroupEvent event = ext ? GroupEvents.decode(m.text()) : null;
                    if (event != null) session.reply(Codec.encodeGroupEvent(Posted.stamped(event, m.seq(), m.ts())));
                } else {
                    session.reply(ext ? Codec.encodeMessage(g.name(), m.text(), m.from(), m.seq(), m.ts())
                            : Codec.encodeMessage(g.name(), m.text()));
                }
            } finally {
                reads.release(cost);
            }
            return true;
        });
        return refused[0] ? -1 : n;
    }
}
