package parley.broadcast;

/**
 * The wakes of quiet channels that one sender holds back while it knows more sends are coming
 * (a reader with more request lines already in its buffer), then gives all at once: each receiver
 * is woken once for everything sent meanwhile and takes it in one go, instead of being woken per
 * value. The released wakes go to the receivers' own threads ({@link Wakeable#wake}), not the
 * sender's: a sender that was behind must get back to reading. This is what an event loop does
 * when it answers everything it has read before it writes.
 *
 * <p>The hold is bounded: at most {@value #MAX_HELD_SENDS} sends, after which everything held is
 * woken, and only channels whose capacity is at least four times that, so holding can never
 * cost a receiver that keeps up a lagged value. Values are visible to receivers that are already
 * reading as soon as they are sent; only a wake is held.
 *
 * <p>Not thread-safe: one per sending thread. Whoever holds wakes must {@link #release} them
 * before it waits for anything (a read, a client's backlog) and before it ends, or receivers
 * would sleep on values they should have been woken for.
 */
public final class HeldWakes {
    static final int MAX_HELD_SENDS = 32;
    private static final int MIN_CAPACITY = 4 * MAX_HELD_SENDS;

    private Broadcast<?>[] channels = new Broadcast<?>[4];
    private int count;
    private int sends;

    /**
     * Holds a quiet send's wake for {@code channel}. Returns false if the channel is too small to
     * wait on: the caller then wakes it now.
     */
    boolean hold(Broadcast<?> channel) {
        if (channel.capacity() < MIN_CAPACITY) return false;
        if (!isHeld(channel)) {
            if (count == channels.length) channels = java.util.Arrays.copyOf(channels, count * 2);
            channels[count++] = channel;
        }
        if (++sends >= MAX_HELD_SENDS) release();
        return true;
    }

    private boolean isHeld(Broadcast<?> channel) {
        for (int i = 0; i < count; i++) {
            if (channels[i] == channel) return true;
        }
        return false;
    }

    /** True if no wake is held. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Wakes every receiver of every channel held (on their own threads) and holds nothing more. */
    public void release() {
        int n = count;
        count = 0;
        sends = 0;
        for (int i = 0; i < n; i++) {
            Broadcast<?> channel = channels[i];
            channels[i] = null;
            channel.wakeHeld();
        }
    }
}
