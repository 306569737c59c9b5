package parley.broadcast;

/**
 * Told that a channel it listens to may have something new. Called on the sender's thread after
 * the value is visible, so it must be quick, must never block and must not throw (a throw would
 * reach the sender and leave later receivers unwoken): typically it sets a flag and unparks a
 * thread only if that thread is parked.
 */
@FunctionalInterface
public interface Wakeable {
    void wake();

    /**
     * A wake from the sender of a quiet channel's value that chose to serve receivers on its own
     * thread ({@link Broadcast#wakeAllInline}): the listener may do the receiver's pending work
     * right here, if it can do so without ever blocking and in bounded time; otherwise, and by
     * default, it is {@link #wake}. Same rules as {@code wake} besides.
     */
    default void wakeInline() {
        wake();
    }
}
