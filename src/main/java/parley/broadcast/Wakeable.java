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
     * A wake from a send to a quiet channel (see {@link Coalescer}): the listener may do the
     * receiver's pending work right here, on the sender's thread, if it can do so without ever
     * blocking and in bounded time; otherwise, and by default, it is {@link #wake}. Same rules
     * as {@code wake} besides.
     */
    default void wakeInline() {
        wake();
    }
}
