package parley.server;

import java.nio.charset.StandardCharsets;
import parley.broadcast.Broadcast;
import parley.log.Log;
import parley.moderation.Event;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;

/**
 * Moderation events in a group's order (docs/moderation.md): each goes into the group's ring like
 * a post, taking a seq, so every Hello'd member sees it in order with the messages and a Fetch or a
 * Join's history returns it; it is stored with the group's messages. Book connections never get
 * one. In cluster mode the ring is the bus's, numbered across nodes: an event is then told to
 * this node's Hello'd members directly, unnumbered and not kept (moderation is per node there).
 *
 * <p>Reader threads. Holds nothing of its own.
 */
final class GroupEvents {
    private GroupEvents() {}

    /** The packet for {@code e}, its seq and ts still 0. */
    static FromServer.GroupEvent packet(Event e) {
        FromServer.Modes modes = e.modes() == null ? null
                : new FromServer.Modes(e.modes().inviteOnly(), e.modes().moderated(), e.modes().privateGroup());
        return new FromServer.GroupEvent(e.group(), e.kind().wire(), e.by(), e.name(), e.reason(), e.topic(), e.until(),
                modes, 0, 0);
    }

    /** A stored event's line read back, or null if it cannot be (a later Parley's, say: it is skipped). */
    static FromServer.GroupEvent decode(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        try {
            return Codec.decodeReply(b, 0, b.length) instanceof FromServer.GroupEvent e ? e : null;
        } catch (ProtocolException e) {
            return null;
        }
    }

    /** An event as published: its line as members get it, and its ring sequence (-1: not in the ring). */
    record Published(byte[] line, long ringSeq) {}

    /**
     * Puts {@code event} into {@code g}'s order and store; returns its line as every member gets
     * it (with seq and ts), for those to be told directly (the requester, the expelled).
     */
    static Published publish(Session session, Group g, FromServer.GroupEvent event) {
        long ts = System.currentTimeMillis();
        GroupTable groups = session.groups();
        if (groups.bus().sharesGroups()) return tellLocally(g, Posted.stamped(event, 0, ts));
        long numbered = g.postEvent(event, ts);
        Broadcast.Sent sent = Broadcast.sent(numbered);
        if (sent == Broadcast.Sent.FULL || sent == Broadcast.Sent.REFUSED) {
            // No room in the ring (or the group just left memory): members are told directly, unnumbered.
            return tellLocally(g, Posted.stamped(event, 0, ts));
        }
        if (sent == Broadcast.Sent.QUIET) PendingWakes.wakeNow(g.channel());
        long ringSeq = Broadcast.seqOf(numbered);
        long seq = g.wireSeq(ringSeq);
        Store store = groups.store();
        if (store.persistent()) {
            try {
                store.appendEvent(g.name(), seq, ts, event.by(), new String(Codec.encodeGroupEvent(event),
                        StandardCharsets.UTF_8).strip());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Log.warn("moderation.event_not_stored", "group", g.name(), "kind", event.kind());
            }
        }
        return new Published(Codec.encodeGroupEvent(Posted.stamped(event, seq, ts)), ringSeq);
    }

    /** Tells {@code g}'s Hello'd members here an event directly, outside the ring's order. */
    static Published tellLocally(Group g, FromServer.GroupEvent stamped) {
        byte[] line = Codec.encodeGroupEvent(stamped);
        if (g != null) {
            for (Session m : g.sessions()) {
                if (m.outbound().extended()) m.outbound().notice(line);
            }
        }
        return new Published(line, -1);
    }
}
