package parley.server;

import java.util.Arrays;
import parley.broadcast.Broadcast;

/**
 * One reader's wakes of quiet groups, and the one place that decides how each is given: the
 * poster's thread writes to the members itself, or their writer threads are woken, now or once
 * the reader has read everything it had. The counterpart of nats-server's per-client set of
 * clients with pending output, flushed once per read buffer ({@code flushClients} in
 * {@code client.go}).
 *
 * <p>A send to a quiet group ({@link Broadcast.Sent#QUIET}) leaves its members' wake to the
 * poster. With no further request line already read, the poster writes to each idle member on
 * its own thread ({@link Outbound#wakeInline}, which never waits), sparing a writer thread per
 * message. With more lines read, the reader is behind and must read on: the group's wake is held
 * in this set and given once, to the members' writer threads, when the lines run out
 * ({@link #flush}), so each member is woken once for everything posted meanwhile and writes it in
 * one go. This is what an event loop does when it answers everything it has read before it writes.
 *
 * <p>The hold is bounded: at most {@value #MAX_HELD_SENDS} sends, after which everything held is
 * woken, and only groups whose capacity is at least four times that, so holding can never cost a
 * member that keeps up a lagged message. Messages are visible to members that are already reading
 * as soon as they are sent; only a wake is held.
 *
 * <p>Not thread-safe: one per reader. The reader must {@link #flush} before it waits for anything
 * (a read, its client's backlog, a join) and before it ends, or members would sleep on messages
 * they should have been woken for. Holds nothing between flushes, and allocates only when one
 * batch holds more groups than ever before.
 */
final class PendingWakes {
    /**
     * The most members a quiet post is written to inline on the poster's thread; a larger group's
     * fan-out goes to its members' writer threads, which share it over every carrier where the
     * poster would write to each in turn. A plain constant rather than a setting: it was measured
     * once (docs/performance.md, inline writes) and nobody operating a server needs to change it.
     */
    static final int INLINE_MEMBERS = 128;
    /** Sends held at most before everything held is woken. */
    static final int MAX_HELD_SENDS = 32;
    /** The smallest group capacity a wake is held for: a held batch then fits four times over. */
    static final int MIN_CAPACITY = 4 * MAX_HELD_SENDS;

    private Broadcast<?>[] held = new Broadcast<?>[4];
    private int count;
    private int sends;

    /**
     * A quiet send's wake, given at once by the reader that sent it, having no further line read:
     * a group of up to {@link #INLINE_MEMBERS} members is written to on this thread where the
     * members can take it, a larger one through its members' writer threads.
     */
    static void wakeNow(Broadcast<?> channel) {
        if (channel.receiverCount() > INLINE_MEMBERS) channel.wakeAll();
        else channel.wakeAllInline();
    }

    /**
     * A quiet send's wake, from a reader with another request line already read: held until
     * {@link #flush} (which comes by itself after {@value #MAX_HELD_SENDS} held sends), or, for a
     * channel too small to hold for, given now.
     */
    void hold(Broadcast<?> channel) {
        if (channel.capacity() < MIN_CAPACITY) {
            wakeNow(channel);
            return;
        }
        if (!isHeld(channel)) {
            if (count == held.length) held = Arrays.copyOf(held, count * 2);
            held[count++] = channel;
        }
        if (++sends >= MAX_HELD_SENDS) flush();
    }

    private boolean isHeld(Broadcast<?> channel) {
        for (int i = 0; i < count; i++) {
            if (held[i] == channel) return true;
        }
        return false;
    }

    /** True if no wake is held. */
    boolean isEmpty() {
        return count == 0;
    }

    /**
     * Wakes the members of every group held, once each, through their writer threads (the reader
     * that held them was behind and goes back to reading), and holds nothing more.
     */
    void flush() {
        int n = count;
        count = 0;
        sends = 0;
        for (int i = 0; i < n; i++) {
            Broadcast<?> channel = held[i];
            held[i] = null;
            channel.wakeAll();
        }
    }
}
