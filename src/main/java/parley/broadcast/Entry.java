package parley.broadcast;

/**
 * One value in the ring with its sequence number. Sequence numbers start at 0 and increase by
 * one per send, without gaps, in the order every receiver sees them.
 */
public record Entry<T>(long seq, T value) implements Received<T> {}
