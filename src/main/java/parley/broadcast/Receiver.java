package parley.broadcast;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One subscriber's view of a {@link Broadcast}: a cursor, and who to wake when values arrive.
 *
 * <p>Two ways to wait: give the channel a {@link Wakeable} listener and poll when it fires (how a
 * connection's writer multiplexes many groups on one thread), or call {@link #recv} on the thread
 * that owns the receiver, which parks it until a value, a lag notice or the end arrives.
 *
 * <p>{@link #poll} and {@link #recv} must be called by one thread at a time; {@link #close} may be
 * called from any thread.
 */
public final class Receiver<T> {
    private final Broadcast<T> channel;
    private final Wakeable listener;
    /** Next sequence number to read; written only by the polling thread. */
    long next;
    /** The tail when this receiver subscribed: values before it are the backlog it asked for. */
    final long backlogEnd;
    private volatile boolean closed;
    private volatile Thread waiter;

    Receiver(Broadcast<T> channel, long start, long backlogEnd, Wakeable listener) {
        this.channel = channel;
        this.next = start;
        this.backlogEnd = backlogEnd;
        this.listener = listener;
    }

    /** Returns the next value, a lag notice, {@code Empty} or {@code Closed}, without waiting. */
    public Received<T> poll() {
        if (closed) return Received.closed();
        return channel.poll(this);
    }

    /** Waits (parked, not spinning) until {@link #poll} has something other than {@code Empty}. */
    public Received<T> recv() throws InterruptedException {
        return recv(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /** As {@link #recv()}, but gives up after the timeout and then returns {@code Empty}. */
    public Received<T> recv(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 2);
        Received<T> r = poll();
        if (!(r instanceof Received.Empty)) return r;
        waiter = Thread.currentThread();
        try {
            while (true) {
                // Poll after publishing `waiter`: a send that lands after this poll sees the waiter
                // and unparks it, and an unpark before the park makes the park return at once.
                r = poll();
                if (!(r instanceof Received.Empty)) return r;
                long left = deadline - System.nanoTime();
                if (left <= 0) return r;
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) throw new InterruptedException();
            }
        } finally {
            waiter = null;
        }
    }

    /** The sequence number this receiver reads next. */
    public long position() {
        return next;
    }

    /** How many values are waiting for this receiver, counting ones it has already lost. */
    public long backlog() {
        return Math.max(0, channel.tail() - next);
    }

    public Broadcast<T> channel() {
        return channel;
    }

    /** Unsubscribes: the channel stops waking this receiver and later polls return {@code Closed}. */
    public void close() {
        if (closed) return;
        closed = true;
        channel.unsubscribe(this);
        wake();
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    void wake() {
        Thread w = waiter;
        if (w != null) LockSupport.unpark(w);
        if (listener != null) listener.wake();
    }

    void wakeInline() {
        Thread w = waiter;
        if (w != null) LockSupport.unpark(w);
        if (listener != null) listener.wakeInline();
    }
}
