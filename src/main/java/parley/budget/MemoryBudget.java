package parley.budget;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A number of bytes that many holders draw from and give back: the bound on one kind of memory a
 * client can make the server hold (partial request lines, queued replies, ring contents, WebSocket
 * fragments, history reads). A holder reserves before it allocates and releases exactly what it
 * reserved when it lets go; what it counts is the real size of what it holds (arrays and the
 * objects around them, not just payload bytes), so the sum of all reservations bounds the heap
 * this kind of memory takes.
 *
 * <p>Thread-safe and lock-free: reservations race by compare-and-set on one counter, so a budget
 * can never be overdrawn, even by many threads at once.
 */
public final class MemoryBudget {
    private final String name;
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final LongAdder refusals = new LongAdder();

    /**
     * @param name  what it bounds, as {@code /metrics} labels it ({@code lines}, {@code replies}, ...)
     * @param limit the most bytes it lends at once; {@link Long#MAX_VALUE} for no limit
     */
    public MemoryBudget(String name, long limit) {
        if (limit < 0) throw new IllegalArgumentException("a budget's limit must not be negative: " + limit);
        this.name = name;
        this.limit = limit;
    }

    /** A budget that never refuses, for tests and tools that run without a memory bound. */
    public static MemoryBudget unlimited(String name) {
        return new MemoryBudget(name, Long.MAX_VALUE);
    }

    /**
     * Reserves {@code bytes} if that keeps the total within the limit. Returns false, reserving
     * nothing and counting a refusal, if it would not; the caller must then not allocate. Any
     * thread.
     */
    public boolean tryReserve(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("cannot reserve a negative size: " + bytes);
        while (true) {
            long now = used.get();
            if (bytes > limit - now) {
                refusals.increment();
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) return true;
        }
    }

    /** Gives back {@code bytes} reserved earlier with {@link #tryReserve}. Any thread. */
    public void release(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("cannot release a negative size: " + bytes);
        long after = used.addAndGet(-bytes);
        if (after < 0) throw new IllegalStateException(name + " budget released more than was reserved");
    }

    /** What it bounds. */
    public String name() {
        return name;
    }

    /** The most bytes lent at once. */
    public long limit() {
        return limit;
    }

    /** Bytes lent now (a snapshot). */
    public long used() {
        return used.get();
    }

    /** Reservations refused since the start. */
    public long refusals() {
        return refusals.sum();
    }

    @Override
    public String toString() {
        return name + " " + used() + "/" + limit + " bytes";
    }
}
