package parley.broadcast;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Paces the wake-ups of the channels that share it, so that a burst of sends wakes each receiver
 * once instead of once per value.
 *
 * <p>Only a busy channel is paced: one whose sends come, on average, less than an eighth of
 * {@code delay} apart ({@link WakePacing}). A quiet channel wakes on every send (or leaves that
 * wake to its sender, who may let the receivers work on its own thread,
 * {@link Wakeable#wakeInline}). A busy channel's send wakes the receivers at once when the last
 * wake was at least {@code delay} ago; a send that comes sooner does not wake anyone: one wake,
 * {@code delay} after the previous one, covers it and everything else sent in between. A receiver that is already reading sees each value as soon as it is sent,
 * woken or not, so pacing only delays receivers that had caught up and parked, and by at most
 * {@code delay}.
 *
 * <p>Why: a receiver's thread drains everything pending when it wakes, so in a chat server one wake
 * is one socket write per member. At a few thousand posts per second to a large group, waking per
 * post costs one write system call per member per post; waking every {@code delay} lets one write
 * carry every post of that interval.
 *
 * <p>A channel never defers more than 64 values, nor more than a quarter of its capacity: a burst
 * that large wakes the receivers at once, so pacing never makes a receiver lag that would have kept
 * up, and a write never waits for more than it needs to spread its fixed cost.
 *
 * <p>The deferred wakes run on one daemon platform thread per coalescer. {@link #OFF} wakes on
 * every send and has no thread.
 */
public final class Coalescer implements AutoCloseable {
    /** Wakes receivers on every send. */
    public static final Coalescer OFF = new Coalescer(Duration.ZERO);

    private final long delayNanos;
    private final ScheduledThreadPoolExecutor timer;

    public Coalescer(Duration delay) {
        if (delay.isNegative()) throw new IllegalArgumentException("delay must not be negative: " + delay);
        this.delayNanos = delay.toNanos();
        if (delayNanos == 0) {
            this.timer = null;
            return;
        }
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon()
                .name("parley-coalescer").unstarted(r));
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(true); // a closed coalescer still delivers its pending wakes
    }

    public Duration delay() {
        return Duration.ofNanos(delayNanos);
    }

    long delayNanos() {
        return delayNanos;
    }

    /** Runs {@code wake} after {@code nanos}; after {@link #close}, at once instead, so no wake is lost. */
    void schedule(Runnable wake, long nanos) {
        try {
            timer.schedule(wake, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            wake.run();
        }
    }

    /** Lets the timer thread end once the wakes still pending have run; later ones run on the sender's thread. */
    @Override
    public void close() {
        if (timer != null) timer.shutdown();
    }
}
