package parley.server;

import parley.protocol.Codec;
import parley.protocol.FromServer;

/**
 * A message as it sits in a group's ring: its text, its poster's name, and its lines, each encoded
 * once and written as-is to every member (the seed's {@code Arc<String>} point). The book's line
 * is built at post time; the extended line (with {@code from} and {@code seq}) on first use by a
 * Hello'd member, since its {@code seq} is only known once the ring has numbered the post.
 */
final class Posted {
    private final String group;
    private final String message;
    private final String from;
    /**
     * The wire seq this message was given before it reached the ring (by a cluster bus, or by the
     * store it was loaded from), or 0: then it is the ring's sequence + 1 + {@link #base}.
     */
    private final long seq;
    /** The wire seq before the ring's first sequence: the group's numbering when it was loaded from the store. */
    private final long base;
    private final byte[] line;
    /** Racy single-check cache: two writers build identical bytes, so either result is fine. */
    private byte[] extended;
    /** The moderation event this entry is (its seq and ts still 0), or null for a message. */
    private final FromServer.GroupEvent event;

    /** The server's time when it accepted the post, ms since 1970. */
    private final long ts;

    /** A post accepted now, numbered by its ring from 1. */
    Posted(String group, String message, String from) {
        this(group, message, from, 0, 0, System.currentTimeMillis());
    }

    /** A message numbered elsewhere ({@code seq}), at {@code ts}. */
    Posted(String group, String message, String from, long seq, long ts) {
        this(group, message, from, seq, 0, ts);
    }

    /**
     * @param seq  its wire seq if given elsewhere, or 0: then its ring numbers it after {@code base}
     * @param base the wire seq of the ring's sequence -1 (see {@link #base})
     * @param ts   the server's time of the post, ms since 1970
     */
    Posted(String group, String message, String from, long seq, long base, long ts) {
        this.group = group;
        this.message = message;
        this.from = from;
        this.seq = seq;
        this.base = base;
        this.ts = ts;
        this.line = Codec.encodeMessage(group, message);
        this.event = null;
    }

    /**
     * A moderation event: {@code event} without its seq and ts, which the ring and {@code ts}
     * give; {@code seq} and {@code base} as for a message.
     */
    Posted(FromServer.GroupEvent event, long seq, long base, long ts) {
        this.group = event.groupName();
        this.message = "";
        this.from = event.by();
        this.seq = seq;
        this.base = base;
        this.ts = ts;
        this.line = null;
        this.event = event;
    }

    /** The moderation event this is, seq and ts left 0; null for a message. */
    FromServer.GroupEvent event() {
        return event;
    }

    long ts() {
        return ts;
    }

    String message() {
        return message;
    }

    String from() {
        return from;
    }

    /** The book's bytes; null for a moderation event, which book connections never get. */
    byte[] line() {
        return line;
    }

    /** The wire seq of this message when it sits at ring sequence {@code ringSeq}. */
    long wireSeq(long ringSeq) {
        return seq != 0 ? seq : ringSeq + 1 + base;
    }

    /**
     * The extended bytes for ring sequence {@code ringSeq}; on the wire {@code seq} counts on from
     * the group's numbering (or is the number a cluster bus or the store gave the message).
     */
    byte[] extendedLine(long ringSeq) {
        byte[] e = extended;
        if (e == null) {
            e = event == null ? Codec.encodeMessage(group, message, from, wireSeq(ringSeq), ts)
                    : Codec.encodeGroupEvent(stamped(event, wireSeq(ringSeq), ts));
            extended = e;
        }
        return e;
    }

    /**
     * What holding this message costs in memory, counted as it will be once both encodings exist:
     * the book's line, the extended line (the book's plus {@code from} escaped at worst and
     * {@code seq}), the message text at two bytes a character (an upper bound: a Latin-1 string
     * takes one), and the objects (this one, the ring's entry, the arrays' and the string's
     * headers). The same for the message's whole life, so what a ring reserves it gives back.
     */
    int weight() {
        if (event != null) return eventWeight(event);
        long w = OBJECTS + 2L * line.length + (from == null ? 0 : 6L * from.length()) + 2L * message.length();
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    /**
     * An event's cost: its record and strings (two bytes a character at most) and its line (the
     * same characters escaped at worst, six bytes each), plus the fixed fields.
     */
    private static int eventWeight(FromServer.GroupEvent e) {
        long chars = e.groupName().length() + len(e.by()) + len(e.name()) + len(e.reason()) + len(e.topic());
        return (int) Math.min(Integer.MAX_VALUE, OBJECTS + 256 + 8 * chars);
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }

    /** {@code e} with its seq and time. */
    static FromServer.GroupEvent stamped(FromServer.GroupEvent e, long seq, long ts) {
        return new FromServer.GroupEvent(e.groupName(), e.kind(), e.by(), e.name(), e.reason(), e.topic(), e.until(),
                e.modes(), seq, ts);
    }

    /** Posted, its ring entry, two byte arrays' headers, the text's string and array, the extended line's own fields (from, seq, ts). */
    private static final int OBJECTS = 48 + 24 + 2 * 16 + 24 + 16 + 96;
}
