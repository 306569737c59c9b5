package parley.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import parley.budget.MemoryBudget;

/**
 * A connection's replies and server notices waiting for its writer, each with the ordering
 * snapshot it must respect, and the back-pressure that bounds them: the session's reader waits
 * while the client lets more than the limit pile up, so the client is slowed by its own backlog.
 *
 * <p>Memory: the backlog counts what each queued reply really holds (see {@link #lineCost} and
 * {@link #snapshotCost}), not just its line, so {@code --max-reply-backlog} bounds the heap a
 * client that never reads can pin; and every connection's queued replies draw from the server's
 * replies budget (reserved when queued, released when the writer takes them or the queue
 * closes). When that budget is full the reader waits, as for its own backlog. Consecutive replies
 * share one snapshot while no group they read has moved, so a burst of errors from a connection
 * in many groups costs one snapshot rather than one per reply.
 */
final class ReplyQueue {
    /*
     * Sizes, a documented estimate for a 64-bit JVM with compressed class pointers and oops (the
     * default below 32 GiB of heap): objects have a 12-byte header, references take 4 bytes,
     * arrays a 16-byte header, and everything is rounded up to 8 bytes.
     */
    /** The Reply record (header, 2 references, a long) and the queue's node (header, 2 references). */
    static final long REPLY_OVERHEAD = 32 + 24;
    /** The Snapshot object: header, 2 references, its count and its size. */
    static final long SNAPSHOT_OVERHEAD = 32;
    /** How long a reader waiting for the shared budget sleeps between looks (others' drains free it). */
    private static final long BUDGET_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Bytes an array of {@code n} elements of {@code size} bytes takes, header and padding included. */
    static long arrayBytes(long size, int n) {
        return (16 + size * n + 7) & ~7L;
    }

    /** What a queued reply of this line holds, not counting its snapshot. */
    static long lineCost(byte[] line) {
        return REPLY_OVERHEAD + arrayBytes(1, line.length);
    }

    /**
     * What a snapshot of {@code groups} groups holds: itself, its {@code long[]} and the
     * {@code Sub[]} it keeps (often shared with the connection's current groups, but pinned by the
     * snapshot once they change, so counted).
     */
    static long snapshotCost(int groups) {
        return SNAPSHOT_OVERHEAD + arrayBytes(8, groups) + arrayBytes(4, groups);
    }

    /**
     * For each group the connection was in when a reply was queued, how far that group's ring had
     * got; shared by the replies queued while none of those groups moved. The count (this
     * object's value) is the number of queued replies that use it; the last one out gives back
     * {@link #cost}, which is what was reserved from the budget for it (0 if nothing was).
     */
    static final class Snapshot extends AtomicInteger {
        final Outbound.Sub[] subs;
        final long[] upTo;
        final long cost;

        Snapshot(Outbound.Sub[] subs, long[] upTo, long cost) {
            super(1);
            this.subs = subs;
            this.upTo = upTo;
            this.cost = cost;
        }

        /** One more reply uses it; false if it has already been let go. */
        boolean retain() {
            for (int n = get(); n > 0; n = get()) {
                if (compareAndSet(n, n + 1)) return true;
            }
            return false;
        }

        /** True if each group's ring still ends where this snapshot says. */
        boolean current() {
            for (int i = 0; i < subs.length; i++) {
                if (subs[i].membership.receiver().channel().tail() != upTo[i]) return false;
            }
            return true;
        }
    }

    /**
     * A reply and how far each group had got when it was queued. The writer sends those messages
     * first, so a client sees the effects of its own requests in order: the message it posted
     * before the error its next request caused.
     *
     * @param reserved the bytes of the replies budget this reply holds for its line (0 if none)
     * @param release  a held group this reply lets go once the writer reaches it (its line is
     *                 then empty), or null: see {@link Outbound#release}
     */
    record Reply(byte[] line, Snapshot snapshot, long reserved, Outbound.Sub release) {
        Outbound.Sub[] subs() {
            return snapshot.subs;
        }

        long[] upTo() {
            return snapshot.upTo;
        }
    }

    private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBacklog;
    private final MemoryBudget budget;
    /** The snapshot of the last reply queued, which the next may share. */
    private volatile Snapshot last;
    /** The reader parked in {@link #awaitRoom} or waiting for the budget, if any. */
    private volatile Thread waiter;
    private volatile boolean readerReleased;
    private volatile boolean closed;

    ReplyQueue(long maxBacklog) {
        this(maxBacklog, MemoryBudget.unlimited("replies"));
    }

    /** @param budget what every connection's queued replies draw from */
    ReplyQueue(long maxBacklog, MemoryBudget budget) {
        this.maxBacklog = maxBacklog;
        this.budget = budget;
    }

    /**
     * Queues a line after everything the groups in {@code subs} hold now. Any thread, never waits:
     * for server notices. A notice the budget cannot take is queued all the same, uncounted: there
     * is one per event (a shutdown, a limit), and refusing it would hide why a client is closed.
     */
    void add(byte[] line, Outbound.Sub[] subs) {
        long worst = lineCost(line) + snapshotCost(subs.length);
        boolean reserved = budget.tryReserve(worst);
        enqueue(line, subs, reserved, worst, null);
    }

    /** Queues the point where the writer lets {@code held} go (see {@link Outbound#release}); never waits. */
    void addRelease(Outbound.Sub held, Outbound.Sub[] subs) {
        byte[] none = new byte[0];
        long worst = lineCost(none) + snapshotCost(subs.length);
        enqueue(none, subs, budget.tryReserve(worst), worst, held);
    }

    /**
     * Queues a reply from the session's reader, which first waits, if the replies budget is full,
     * until other connections' writers give some back. Returns false, queuing nothing, if the
     * session ends or the queue closes meanwhile.
     */
    boolean addWaiting(byte[] line, Outbound.Sub[] subs, Metrics metrics) {
        long worst = lineCost(line) + snapshotCost(subs.length);
        if (!budget.tryReserve(worst)) {
            metrics.backlogPaused();
            if (!awaitBudget(worst)) return false;
        }
        enqueue(line, subs, true, worst, null);
        return true;
    }

    private boolean awaitBudget(long bytes) {
        while (true) {
            if (closed || readerReleased) return false;
            // Looked at before trying, so a long wait counts one refusal, not one per look.
            if (budget.limit() - budget.used() >= bytes && budget.tryReserve(bytes)) return true;
            waiter = Thread.currentThread();
            if (!closed && !readerReleased) LockSupport.parkNanos(this, BUDGET_RECHECK_NANOS);
            waiter = null;
        }
    }

    private void enqueue(byte[] line, Outbound.Sub[] subs, boolean reserved, long worst, Outbound.Sub release) {
        long lineCost = lineCost(line);
        long snapCost = worst - lineCost;
        Snapshot s = last;
        if (s != null && s.subs == subs && s.current() && s.retain()) {
            if (reserved) budget.release(snapCost); // shared: only the line is new
            bytes.addAndGet(lineCost);
        } else {
            long[] upTo = new long[subs.length];
            for (int i = 0; i < subs.length; i++) {
                upTo[i] = subs[i].membership.receiver().channel().tail();
            }
            s = new Snapshot(subs, upTo, reserved ? snapCost : 0);
            last = s;
            bytes.addAndGet(worst);
        }
        queue.add(new Reply(line, s, reserved ? lineCost : 0, release));
        // A close that came meanwhile found nothing of this to give back: give it back here.
        if (closed) discardAll();
    }

    /** The oldest reply, no longer counted in the backlog, or null. The writer role's holder only. */
    Reply poll() {
        Reply r = queue.poll();
        if (r != null) released(r);
        return r;
    }

    private void released(Reply r) {
        long lineCost = lineCost(r.line());
        if (r.reserved() > 0) budget.release(r.reserved());
        Snapshot s = r.snapshot();
        if (s.decrementAndGet() == 0) {
            if (s.cost > 0) budget.release(s.cost);
            bytes.addAndGet(-(lineCost + snapshotCost(s.subs.length)));
        } else {
            bytes.addAndGet(-lineCost);
        }
    }

    private void discardAll() {
        Reply r;
        while ((r = queue.poll()) != null) released(r);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Bytes of memory the queued replies hold (a racy snapshot). */
    long bytes() {
        return bytes.get();
    }

    /** True if the reader must wait: the backlog is over the limit, and nothing has freed it. */
    /** Whether any reply waits for the writer. */
    boolean pending() {
        return !queue.isEmpty();
    }

    boolean overLimit() {
        return bytes.get() > maxBacklog && !closed && !readerReleased;
    }

    /**
     * Parks the calling reader until the backlog is back within the limit, the reader is released
     * or the queue closed. The session's reader thread only.
     */
    void awaitRoom() {
        while (overLimit()) {
            waiter = Thread.currentThread();
            if (overLimit()) LockSupport.park(this);
            waiter = null;
        }
    }

    /** The writer took replies: a waiting reader looks at the backlog again. */
    void drained() {
        unpark(waiter);
    }

    /** The session is stopping: a waiting reader goes back to see the end of its input, and no reader waits again. */
    void releaseReader() {
        readerReleased = true;
        unpark(waiter);
    }

    /** The session is stopping or nothing will be written any more: a long reply should stop being made. */
    boolean stopped() {
        return closed || readerReleased;
    }

    /**
     * Nothing will be written any more: a waiting reader must not wait for it, and what is still
     * queued is dropped, its memory given back to the budget.
     */
    void close() {
        closed = true;
        unpark(waiter);
        discardAll();
    }

    private static void unpark(Thread t) {
        if (t != null) LockSupport.unpark(t);
    }
}
