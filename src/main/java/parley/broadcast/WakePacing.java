package parley.broadcast;

/**
 * One channel's wake pacing under a {@link Coalescer}: whether a send wakes the receivers now, is
 * covered by a wake already scheduled, or schedules one. Not thread-safe: the channel calls it
 * under its lock.
 *
 * <p>A channel counts as busy while the average gap between its sends (an exponential average over
 * about the last eight) is under an eighth of the delay, that is while a deferred wake would carry
 * at least eight values. Only a busy channel defers: a send to a quiet channel, or the first after
 * a pause, wakes at once, so pacing adds nothing to the latency of a channel that would not gain
 * from it.
 */
final class WakePacing {
    /** {@link #afterSend} results besides a delay: wake now (a quiet channel, or a busy one), or not at all. */
    static final long QUIET = -2, NOW = 0, COVERED = -1;

    /**
     * The most values a deferred wake waits for: by then a write carries enough to spread its
     * fixed cost, and waiting longer only makes bursts (every member at once) and lag more likely.
     */
    static final int MAX_BATCH = 64;

    private final long delay;
    private final long busyGap;
    private final long batchLimit;
    private long lastSend;
    private long lastWake;
    private long gapAverage;
    private long wokenTail;
    private boolean pending;

    WakePacing(long delayNanos, int capacity, long now) {
        this.delay = delayNanos;
        this.busyGap = delayNanos / 8;
        this.batchLimit = Math.max(1, Math.min(MAX_BATCH, capacity / 4));
        this.lastSend = now;
        this.lastWake = now - delayNanos;
        this.gapAverage = delayNanos;
    }

    /**
     * After a send that moved the tail to {@code newTail} at {@code now}: {@link #QUIET} to wake the
     * receivers now because the channel is quiet, {@link #NOW} to wake them now although it is
     * busy, {@link #COVERED} if a scheduled wake will, or the nanoseconds after which the caller
     * must schedule one.
     */
    long afterSend(long newTail, long now) {
        long gap = Math.min(now - lastSend, delay);
        lastSend = now;
        gapAverage += (gap - gapAverage) >> 3;
        if (pending) {
            if (newTail - wokenTail < batchLimit) return COVERED;
            return wokeAt(newTail, now); // a full batch; the scheduled wake still comes, harmlessly
        }
        if (gapAverage >= busyGap) {
            wokeAt(newTail, now);
            return QUIET;
        }
        long since = now - lastWake;
        if (since >= delay || newTail - wokenTail >= batchLimit) return wokeAt(newTail, now);
        pending = true;
        return delay - since;
    }

    /** The scheduled wake is happening now, covering everything up to {@code tail}. */
    void scheduledWake(long tail, long now) {
        pending = false;
        wokeAt(tail, now);
    }

    private long wokeAt(long tail, long now) {
        lastWake = now;
        wokenTail = tail;
        return NOW;
    }
}
