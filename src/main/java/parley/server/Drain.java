package parley.server;

import java.io.IOException;
import parley.broadcast.Entry;
import parley.broadcast.Received;
import parley.broadcast.Receiver;
import parley.protocol.Codec;

/**
 * What a connection's writer sends next, and in which order: each reply after the group messages
 * queued before it, the groups in turns of {@link #BATCH} so one busy group cannot starve the
 * others, each message in the book's or the extended form, and a lag notice where a group's ring
 * overtook the connection. Puts into whichever {@link Batch} the role's holder brought; runs only
 * on the holder's thread.
 */
final class Drain {
    /** Messages taken from one group before looking at the next. */
    static final int BATCH = 64;

    private final Subscriptions subs;
    private final ReplyQueue replies;
    private final Metrics metrics;
    /** Set once the client says Hello: group messages then go out in the extended form. */
    private volatile boolean extended;

    Drain(Subscriptions subs, ReplyQueue replies, Metrics metrics) {
        this.subs = subs;
        this.replies = replies;
        this.metrics = metrics;
    }

    void useExtended() {
        extended = true;
    }

    boolean extended() {
        return extended;
    }

    /** The writer thread's turn: replies and groups until nothing is pending, then one last write. */
    void everything(Batch out) throws IOException {
        boolean progress = true;
        while (progress) {
            progress = replies(out);
            progress |= groups(out);
        }
        out.flush();
    }

    /**
     * An inline turn: group messages only, until nothing is pending or the batch is full, then
     * what the transport takes. Replies wait for the writer thread (the reader may be parked on
     * their backlog, and their ordering snapshots are the writer thread's to honour).
     */
    void groupsOnly(Batch out) throws IOException {
        while (groups(out)) {
            // one more round: a group that filled its turn may have more
        }
        out.flush();
    }

    private boolean groups(Batch out) throws IOException {
        boolean progress = false;
        for (Outbound.Sub s : subs.now()) {
            progress |= group(s, Long.MAX_VALUE, BATCH, out);
        }
        return progress;
    }

    private boolean replies(Batch out) throws IOException {
        boolean any = false;
        ReplyQueue.Reply r;
        while ((r = replies.poll()) != null) {
            for (int i = 0; i < r.subs().length; i++) {
                group(r.subs()[i], r.upTo()[i], Integer.MAX_VALUE, out);
            }
            if (r.release() != null) r.release().held = false;
            else out.put(r.line());
            any = true;
        }
        if (any) replies.drained();
        return any;
    }

    /**
     * Puts up to {@code max} of a group's messages, stopping before sequence {@code upTo} (and
     * before a closing connection's stop point). Returns true if it put anything.
     */
    private boolean group(Outbound.Sub s, long upTo, int max, Batch out) throws IOException {
        if (s.held) return false; // its earlier history is still queued as replies
        Receiver<Posted> rx = s.membership.receiver();
        long stop = Math.min(upTo, s.stopAt);
        for (int k = 0; k < max; k++) {
            if (rx.position() >= stop || out.full()) return k > 0;
            switch (rx.poll()) {
                case Entry<Posted> e -> {
                    byte[] line = extended ? e.value().extendedLine(e.seq()) : e.value().line();
                    if (line != null) out.putMessage(line); // null: an event, which a book connection never gets
                }
                case Received.Lagged<Posted> l -> {
                    // A book connection is told only of the messages it missed, not of events it never gets.
                    long missed = extended ? l.missed()
                            : l.missed() - s.membership.group().eventsBetween(l.resumeAt() - l.missed(), l.resumeAt());
                    if (missed > 0) {
                        metrics.lagged(missed);
                        out.put(Codec.encodeError(
                                "Dropped " + missed + " messages from " + s.membership.group().name() + "."));
                    }
                }
                case Received.Empty<Posted> e -> { return k > 0; }
                case Received.Closed<Posted> c -> { return k > 0; }
            }
        }
        return true;
    }
}
