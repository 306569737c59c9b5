package parley.broadcast;

/**
 * What a receiver finds when it looks at its channel: the next value, a lag notice, nothing yet,
 * or the end. Values are {@link Entry} objects shared by every receiver, so polling allocates
 * nothing per receiver per value.
 */
public sealed interface Received<T> permits Entry, Received.Lagged, Received.Empty, Received.Closed {

    /**
     * The receiver fell behind: {@code missed} values were overwritten before it read them. Its
     * cursor has moved to {@code resumeAt}, the oldest value still held.
     */
    record Lagged<T>(long missed, long resumeAt) implements Received<T> {}

    /** Nothing new yet. */
    record Empty<T>() implements Received<T> {}

    /** The channel was closed, or the receiver was, and every value it could read has been read. */
    record Closed<T>() implements Received<T> {}

    @SuppressWarnings("unchecked")
    static <T> Empty<T> empty() {
        return (Empty<T>) Singletons.EMPTY;
    }

    @SuppressWarnings("unchecked")
    static <T> Closed<T> closed() {
        return (Closed<T>) Singletons.CLOSED;
    }

    /** Holds the two stateless instances, shared by every channel whatever its value type. */
    final class Singletons {
        private static final Empty<?> EMPTY = new Empty<>();
        private static final Closed<?> CLOSED = new Closed<>();

        private Singletons() {}
    }
}
