package parley.cluster;

import io.nats.client.api.StreamConfiguration;
import java.time.Duration;

/**
 * What the stream keeps, and for how long it remembers a post's id: the store's retention
 * options ({@code --retain-age}, {@code --retain-messages}, {@code --retain-bytes}) and
 * {@code --dedup-window}, mapped onto the stream's own limits, so JetStream enforces them for
 * every node alike.
 *
 * @param maxAge                how long a message is kept ({@code max_age}); zero keeps it forever
 * @param maxMessagesPerSubject messages kept per group ({@code max_msgs_per_subject}), the oldest dropped
 *                              first; -1 for no limit (JetStream's "unlimited")
 * @param maxBytes              bytes the whole stream keeps ({@code max_bytes}), the oldest dropped first;
 *                              -1 for no limit
 * @param duplicateWindow       how long a post's id is remembered ({@code duplicate_window})
 */
public record Retention(Duration maxAge, long maxMessagesPerSubject, long maxBytes, Duration duplicateWindow) {
    public static final Duration DEFAULT_AGE = Duration.ofDays(30);
    public static final long DEFAULT_MESSAGES = 100_000;
    public static final long DEFAULT_BYTES = 1L << 30;
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(2);
    /** The defaults: 30 days, 100000 messages per group, 1 GiB, a 2-minute dedup window. */
    public static final Retention DEFAULT =
            new Retention(DEFAULT_AGE, DEFAULT_MESSAGES, DEFAULT_BYTES, DEFAULT_DEDUP_WINDOW);

    public Retention {
        if (maxAge.isNegative()) throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
        if (maxMessagesPerSubject < 1 && maxMessagesPerSubject != -1) {
            throw new IllegalArgumentException("maxMessagesPerSubject must be at least 1, or -1 for no limit");
        }
        if (maxBytes < 1 && maxBytes != -1) throw new IllegalArgumentException("maxBytes must be at least 1, or -1 for no limit");
        if (duplicateWindow.isNegative() || duplicateWindow.isZero()) {
            throw new IllegalArgumentException("duplicateWindow must be positive: " + duplicateWindow);
        }
    }

    /** The defaults with another per-group message count (the old {@code --history} mapping). */
    public Retention withMaxMessagesPerSubject(long messages) {
        return new Retention(maxAge, messages, maxBytes, duplicateWindow);
    }

    /**
     * The duplicate window the stream gets: JetStream refuses one longer than {@code max_age},
     * and an id cannot outlive its message anyway.
     */
    Duration streamDuplicateWindow() {
        return maxAge.isZero() || duplicateWindow.compareTo(maxAge) <= 0 ? duplicateWindow : maxAge;
    }

    /** Sets these limits on a stream's configuration. */
    StreamConfiguration.Builder applyTo(StreamConfiguration.Builder b) {
        return b.maxAge(maxAge)
                .maxMessagesPerSubject(maxMessagesPerSubject)
                .maxBytes(maxBytes)
                .duplicateWindow(streamDuplicateWindow());
    }

    /** Whether a stream's configuration has these limits already. */
    boolean appliedIn(StreamConfiguration c) {
        return c.getMaxAge().equals(maxAge)
                && c.getMaxMsgsPerSubject() == maxMessagesPerSubject
                && c.getMaxBytes() == maxBytes
                && c.getDuplicateWindow().equals(streamDuplicateWindow());
    }
}
