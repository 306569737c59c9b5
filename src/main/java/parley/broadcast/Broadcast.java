package parley.broadcast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded, lossy, multi-producer, multi-consumer broadcast channel.
 *
 * <p><b>Contract.</b> Every value sent is numbered: the first is 0, and each send takes the next
 * number. The channel holds the last {@code capacity} values. A receiver sees, in sequence order,
 * every value sent after it subscribed (or the backlog it asked for), unless it falls behind: when
 * the values it would read next have been overwritten, its next poll returns
 * {@link Received.Lagged} with the exact number it missed and moves it to the oldest value still
 * held. {@link #send} never blocks on a receiver and never fails because of one.
 *
 * <p><b>Waking.</b> After a value becomes visible, the sender calls {@link Wakeable#wake} on every
 * receiver's listener. A receiver that found nothing parks until woken; nothing spins or polls.
 *
 * <p><b>Threads.</b> Any number of threads may send, subscribe and close. Sends are ordered by a
 * short lock (write one slot, publish the tail); reads are lock-free. Each {@link Receiver} must be
 * polled by one thread at a time.
 *
 * <p><b>Memory.</b> The ring has a fixed size; a value is held until {@code capacity} newer values
 * overwrite it, so the channel never holds more than {@code capacity} values.
 */
public final class Broadcast<T> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);
    @SuppressWarnings("rawtypes")
    private static final Receiver[] NONE = new Receiver[0];

    private final int capacity;
    private final int mask;
    private final Entry<T>[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long tail;
    private volatile boolean closed;
    @SuppressWarnings("unchecked")
    private volatile Receiver<T>[] receivers = NONE;

    @SuppressWarnings("unchecked")
    public Broadcast(int capacity) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity must be between 1 and 2^30, got " + capacity);
        }
        this.capacity = capacity;
        // A power-of-two ring lets a slot be found with a mask; the window of values held is still
        // exactly `capacity`, so lag counts do not depend on the rounding.
        int size = Integer.highestOneBit(capacity);
        if (size < capacity) size <<= 1;
        this.mask = size - 1;
        this.ring = (Entry<T>[]) new Entry[size];
    }

    public int capacity() {
        return capacity;
    }

    /** The number of values ever sent, which is also the sequence number the next one gets. */
    public long tail() {
        return tail;
    }

    /** The sequence number of the oldest value still held (equal to {@link #tail} when empty). */
    public long oldest() {
        return Math.max(0, tail - capacity);
    }

    public int receiverCount() {
        return receivers.length;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Sends a value to every current receiver and returns its sequence number, or -1 if the
     * channel is closed. Never waits for a receiver.
     */
    public long send(T value) {
        long seq;
        lock.lock();
        try {
            if (closed) return -1;
            seq = tail;
            SLOT.setRelease(ring, (int) (seq & mask), new Entry<>(seq, value));
            tail = seq + 1;
        } finally {
            lock.unlock();
        }
        for (Receiver<T> r : receivers) {
            r.wake();
        }
        return seq;
    }

    /** Subscribes a receiver that sees values sent from now on; {@code listener} may be null. */
    public Receiver<T> subscribe(Wakeable listener) {
        return subscribe(listener, 0);
    }

    /**
     * Subscribes a receiver that first sees up to {@code backlog} of the values already held, then
     * every later one: the hand-off from history to live values has no gap and no duplicate
     * because both come from the same sequence.
     */
    public Receiver<T> subscribe(Wakeable listener, long backlog) {
        lock.lock();
        try {
            long start = Math.max(oldest(), tail - Math.max(0, backlog));
            Receiver<T> r = new Receiver<>(this, start, listener);
            if (closed) {
                r.markClosed();
                return r;
            }
            Receiver<T>[] old = receivers;
            Receiver<T>[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = r;
            receivers = grown;
            return r;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the channel: later sends are refused, and each receiver, once it has read what is
     * held, gets {@link Received.Closed}. Receivers are woken so none waits forever.
     */
    public void close() {
        Receiver<T>[] all;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            all = receivers;
        } finally {
            lock.unlock();
        }
        for (Receiver<T> r : all) {
            r.wake();
        }
    }

    /**
     * Reads the value with sequence number {@code seq} if it is still held, or null. For history
     * reads that do not go through a receiver.
     */
    @SuppressWarnings("unchecked")
    public Entry<T> get(long seq) {
        long t = tail;
        if (seq < 0 || seq >= t || seq < t - capacity) return null;
        Entry<T> e = (Entry<T>) SLOT.getAcquire(ring, (int) (seq & mask));
        return e != null && e.seq() == seq ? e : null;
    }

    void unsubscribe(Receiver<T> r) {
        lock.lock();
        try {
            Receiver<T>[] old = receivers;
            int i = Arrays.asList(old).indexOf(r);
            if (i < 0) return;
            @SuppressWarnings("unchecked")
            Receiver<T>[] shrunk = old.length == 1 ? NONE : new Receiver[old.length - 1];
            System.arraycopy(old, 0, shrunk, 0, i);
            System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
            receivers = shrunk;
        } finally {
            lock.unlock();
        }
    }

    /** The poll step for {@code r}: see {@link Receiver#poll}. */
    @SuppressWarnings("unchecked")
    Received<T> poll(Receiver<T> r) {
        while (true) {
            long next = r.next;
            long t = tail;
            if (next >= t) {
                return closed ? Received.closed() : Received.empty();
            }
            long oldest = t - capacity;
            if (next < oldest) {
                r.next = oldest;
                return new Received.Lagged<>(oldest - next, oldest);
            }
            Entry<T> e = (Entry<T>) SLOT.getAcquire(ring, (int) (next & mask));
            if (e.seq() == next) {
                r.next = next + 1;
                return e;
            }
            // Overwritten between reading the tail and the slot: a sender lapped us. Re-reading the
            // tail now reports the lag.
        }
    }
}
