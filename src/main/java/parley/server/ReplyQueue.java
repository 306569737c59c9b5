package parley.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection's replies and server notices waiting for its writer, each with the ordering
 * snapshot it must respect, and the back-pressure that bounds them: the session's reader waits
 * while the client lets more than the limit pile up, so the client is slowed by its own backlog.
 */
final class ReplyQueue {
    /**
     * A reply and, for each group the connection was in when it was queued, how far that group's
     * ring had got. The writer sends those messages first, so a client sees the effects of its own
     * requests in order: the message it posted before the error its next request caused.
     */
    record Reply(byte[] line, Outbound.Sub[] subs, long[] upTo) {}

    private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBacklog;
    /** The reader parked in {@link #awaitRoom}, if any. */
    private volatile Thread waiter;
    private volatile boolean readerReleased;
    private volatile boolean closed;

    ReplyQueue(long maxBacklog) {
        this.maxBacklog = maxBacklog;
    }

    /** Queues a line after everything the groups in {@code subs} hold now. Any thread, never waits. */
    void add(byte[] line, Outbound.Sub[] subs) {
        long[] upTo = new long[subs.length];
        for (int i = 0; i < subs.length; i++) {
            upTo[i] = subs[i].membership.receiver().channel().tail();
        }
        queue.add(new Reply(line, subs, upTo));
        bytes.addAndGet(line.length);
    }

    /** The oldest reply, no longer counted in the backlog, or null. The writer role's holder only. */
    Reply poll() {
        Reply r = queue.poll();
        if (r != null) bytes.addAndGet(-r.line().length);
        return r;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Bytes queued and not yet taken by the writer (a racy snapshot). */
    long bytes() {
        return bytes.get();
    }

    /** True if the reader must wait: the backlog is over the limit, and nothing has freed it. */
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

    /** Nothing will be written any more: a waiting reader must not wait for it. */
    void close() {
        closed = true;
        unpark(waiter);
    }

    private static void unpark(Thread t) {
        if (t != null) LockSupport.unpark(t);
    }
}
