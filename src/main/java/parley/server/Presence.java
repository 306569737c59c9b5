package parley.server;

import parley.protocol.Codec;

/**
 * Who comes and goes: a Hello'd connection's joining and leaving a group (and its disconnecting,
 * or taking another name) told to the group's other Hello'd members as {@code Joined} and
 * {@code Left}. Book connections never get them.
 *
 * <p>Order: a presence packet is queued on each member's connection after the group messages
 * already in the ring, by the thread of the one who comes or goes, before anything that one posts
 * next; so a member sees {@code Joined} before the joiner's first message and {@code Left} after
 * the leaver's last.
 *
 * <p>Cost: one packet per member per change, so above {@link ServerConfig#presenceLimit} members
 * a group sends none ({@code Members} still answers); and a member whose backlog is over its
 * limit misses presence rather than grow it (counted).
 *
 * <p>Reader threads (and the thread ending a session). Holds nothing of its own.
 */
final class Presence {
    private Presence() {}

    /** {@code who} (Hello'd, named {@code name}) has joined {@code g}. */
    static void joined(Session who, Group g, String name) {
        tell(who, g, g.members(), Codec.encodePresence("Joined", g.name(), name));
    }

    /** {@code who}, known as {@code name}, has left {@code g} (or gone, or taken another name). */
    static void left(Session who, Group g, String name) {
        // Counted with the one leaving, as its Joined was: a member never sees a Left without a Joined.
        tell(who, g, g.members() + (g.has(who) ? 0 : 1), Codec.encodePresence("Left", g.name(), name));
    }

    private static void tell(Session who, Group g, int members, byte[] line) {
        if (members > who.config().presenceLimit()) return;
        Metrics metrics = who.metrics();
        for (Session m : g.sessions()) {
            if (m == who || !m.outbound().extended()) continue;
            if (m.outbound().presence(line)) metrics.presented();
            else metrics.presenceDropped();
        }
    }
}
