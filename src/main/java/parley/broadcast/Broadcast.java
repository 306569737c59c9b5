package parley.broadcast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

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
 * receiver's listener, at once or, with a {@link Coalescer}, within its delay (one wake for a
 * burst). A send to a quiet channel may instead report that its wake is the caller's
 * ({@link #sendLeavingQuietWake}), who then decides when to give it and on which thread; the
 * channel never calls back into its sender for that. A receiver that found nothing parks until
 * woken; nothing spins or polls.
 *
 * <p><b>Threads.</b> Any number of threads may send, subscribe and close. Sends are ordered by a
 * short lock (write one slot, publish the tail); reads are lock-free. Each {@link Receiver} must be
 * polled by one thread at a time.
 *
 * <p><b>Retention.</b> Beyond the {@code capacity} values that receivers can lag into, the channel
 * may retain older values for history reads ({@link #get}, {@link #retainedFrom}, and the backlog
 * a receiver subscribed with, which it reads from retention if sends push it out of the lag window
 * before it is read; it lags only when those values are no longer retained): up to
 * {@code retain} values in all, trimmed oldest first while their weight exceeds
 * {@code retainBytes}, but never into the last {@code capacity}.
 *
 * <p><b>Memory.</b> The ring array starts small and doubles as values arrive, up to the power of
 * two that fits {@code max(capacity, retain)}; the channel never holds more than that many values,
 * and never more than {@code retainBytes} of weight outside the last {@code capacity}.
 */
public final class Broadcast<T> {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);
    @SuppressWarnings("rawtypes")
    private static final Receiver[] NONE = new Receiver[0];

    private static final int INITIAL_RING = 16;

    private final int capacity;
    private final int maxRing;
    private final int retain;
    private final long retainBytes;
    private final ToIntFunction<? super T> weigher;
    private final Coalescer coalescer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Replaced (by a larger copy) only under the lock, and always before the tail moves past it. */
    private volatile Entry<T>[] ring;
    private volatile long tail;
    private volatile long retainedFrom;
    private long retainedWeight; // guarded by lock
    private final WakePacing pacing; // null without coalescing; guarded by lock
    private volatile boolean closed;
    @SuppressWarnings("unchecked")
    private volatile Receiver<T>[] receivers = NONE;

    /** A channel that retains exactly what receivers can lag into: the last {@code capacity} values. */
    public Broadcast(int capacity) {
        this(capacity, capacity, Long.MAX_VALUE, v -> 0, Coalescer.OFF);
    }

    /** A channel that wakes its receivers on every send. */
    public Broadcast(int capacity, int retain, long retainBytes, ToIntFunction<? super T> weigher) {
        this(capacity, retain, retainBytes, weigher, Coalescer.OFF);
    }

    /**
     * @param capacity    how far a receiver may fall behind before it lags
     * @param retain      values kept for history reads, at least {@code capacity}
     * @param retainBytes weight of values kept beyond the last {@code capacity}
     * @param weigher     a value's weight, e.g. its encoded size
     * @param coalescer   paces the wakes of receivers; {@link Coalescer#OFF} wakes on every send
     */
    @SuppressWarnings("unchecked")
    public Broadcast(int capacity, int retain, long retainBytes, ToIntFunction<? super T> weigher,
            Coalescer coalescer) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity must be between 1 and 2^30, got " + capacity);
        }
        if (retain < capacity || retain > (1 << 30)) {
            throw new IllegalArgumentException("retain must be between capacity and 2^30, got " + retain);
        }
        this.capacity = capacity;
        // A power-of-two ring lets a slot be found with a mask; the lag window is still exactly
        // `capacity`, so lag counts do not depend on the rounding.
        int size = Integer.highestOneBit(retain);
        if (size < retain) size <<= 1;
        this.maxRing = size;
        this.retain = retain;
        this.retainBytes = retainBytes;
        this.weigher = weigher;
        this.coalescer = coalescer;
        this.pacing = coalescer.delayNanos() == 0 ? null
                : new WakePacing(coalescer.delayNanos(), capacity, System.nanoTime());
        this.ring = (Entry<T>[]) new Entry[Math.min(INITIAL_RING, size)];
    }

    public int capacity() {
        return capacity;
    }

    /** The number of values ever sent, which is also the sequence number the next one gets. */
    public long tail() {
        return tail;
    }

    /** The sequence number of the oldest value a receiver can still read without lagging. */
    public long oldest() {
        return Math.max(0, tail - capacity);
    }

    /** The sequence number of the oldest value retained for history reads. */
    public long retainedFrom() {
        return retainedFrom;
    }

    public int receiverCount() {
        return receivers.length;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * What a send left to its sender ({@link #sendLeavingQuietWake}): the channel reports what it
     * did, and the sender decides when the receivers of a quiet channel are woken, and on which
     * thread they are served.
     */
    public enum Sent {
        /** The channel is closed: nothing was sent. */
        REFUSED,
        /**
         * The channel saw to the wake: it woke the receivers at once, or a wake it has scheduled
         * covers this value (a busy channel, or any channel without a {@link Coalescer}).
         */
        WOKEN,
        /**
         * A quiet channel (see {@link Coalescer}): no receiver has been woken for this value. The
         * sender must wake them ({@link #wakeAllInline} or {@link #wakeAll}), at once or, having
         * more sends coming, once for all of them, but before it waits for anything.
         */
        QUIET
    }

    /**
     * Sends a value to every current receiver and returns its sequence number, or -1 if the
     * channel is closed. Never waits for a receiver, and wakes them itself ({@link Wakeable#wake}):
     * at once, or within the coalescer's delay for a busy channel.
     */
    public long send(T value) {
        return send(value, false);
    }

    /**
     * Sends a value like {@link #send(Object)}, but leaves a quiet channel's wake to the caller,
     * which knows whether more sends are coming and whether its own thread may serve the
     * receivers; a busy channel's wake is paced as ever. The value is visible to receivers that
     * are already reading as soon as this returns, woken or not.
     */
    public Sent sendLeavingQuietWake(T value) {
        long r = send(value, true);
        return r == -1 ? Sent.REFUSED : r < 0 ? Sent.QUIET : Sent.WOKEN;
    }

    /**
     * Returns the value's sequence number, -1 if the channel is closed, or, when a quiet wake was
     * left to the caller, the sequence number with the sign bit set (below -1, allocation-free).
     */
    private long send(T value, boolean leaveQuietWake) {
        long seq;
        long wake = WakePacing.NOW;
        lock.lock();
        try {
            if (closed) return -1;
            seq = tail;
            Entry<T>[] r = ringFor(seq);
            trim(r, seq + 1); // drops, and un-weighs, whatever this write is about to overwrite
            SLOT.setRelease(r, (int) (seq & (r.length - 1)), new Entry<>(seq, value));
            retainedWeight += weigher.applyAsInt(value);
            trim(r, seq + 1);
            tail = seq + 1;
            if (pacing != null) wake = pacing.afterSend(seq + 1, System.nanoTime());
        } finally {
            lock.unlock();
        }
        if (wake == WakePacing.NOW) {
            wakeAll();
        } else if (wake == WakePacing.QUIET) {
            if (leaveQuietWake) return seq | Long.MIN_VALUE;
            wakeAll();
        } else if (wake > 0) {
            coalescer.schedule(this::scheduledWake, wake);
        }
        return seq;
    }

    private void scheduledWake() {
        lock.lock();
        try {
            pacing.scheduledWake(tail, System.nanoTime());
        } finally {
            lock.unlock();
        }
        wakeAll();
    }

    /** Wakes every current receiver through its listener's {@link Wakeable#wake}, on the listener's own terms. */
    public void wakeAll() {
        for (Receiver<T> rx : receivers) {
            rx.wake();
        }
    }

    /**
     * Wakes every current receiver through {@link Wakeable#wakeInline}: each listener may serve its
     * receiver right here, on the caller's thread. For the sender of a {@link Sent#QUIET} send that
     * has decided its thread should do that work (the channel does not decide it).
     */
    public void wakeAllInline() {
        for (Receiver<T> rx : receivers) {
            rx.wakeInline();
        }
    }

    /** The ring to write {@code seq} into, doubled first if {@code seq} would overwrite a value while it may still grow. */
    @SuppressWarnings("unchecked")
    private Entry<T>[] ringFor(long seq) {
        Entry<T>[] r = ring;
        if (seq < r.length || r.length >= maxRing) return r;
        Entry<T>[] grown = (Entry<T>[]) new Entry[r.length * 2];
        for (long s = Math.max(0, seq - r.length); s < seq; s++) {
            grown[(int) (s & (grown.length - 1))] = r[(int) (s & (r.length - 1))];
        }
        ring = grown; // published before the tail moves, so a reader that sees the new tail sees this ring
        return grown;
    }

    /**
     * Drops the oldest retained values beyond the last {@code retain}, and more while over the
     * weight budget, but never into the lag window (the last {@code capacity}).
     */
    private void trim(Entry<T>[] r, long newTail) {
        long from = retainedFrom;
        long byCount = newTail - retain;
        long floor = newTail - capacity;
        while (from < floor && (from < byCount || retainedWeight > retainBytes)) {
            int slot = (int) (from & (r.length - 1));
            Entry<T> e = r[slot];
            if (e != null && e.seq() == from) {
                retainedWeight -= weigher.applyAsInt(e.value());
                SLOT.setRelease(r, slot, null);
            }
            from++;
        }
        retainedFrom = from;
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
            Receiver<T> r = new Receiver<>(this, start, tail, listener);
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
        Entry<T>[] r = ring;
        if (seq < 0 || seq >= t || seq < retainedFrom) return null;
        Entry<T> e = (Entry<T>) SLOT.getAcquire(r, (int) (seq & (r.length - 1)));
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
            // Closed is read before the tail: a send succeeds only before close (both under the
            // lock), so once closed is seen the tail read next includes every value ever sent, and
            // Closed can never come ahead of a value still to be read.
            boolean wasClosed = closed;
            long t = tail;
            if (next >= t) {
                return wasClosed ? Received.closed() : Received.empty();
            }
            long oldest = t - capacity;
            if (next < oldest) {
                // A backlog that sends have pushed out of the lag window is still served while it
                // is retained: a receiver that asked for history right at the capacity would
                // otherwise lag on the first send after subscribing, before it could read a thing.
                Entry<T> kept = next < r.backlogEnd ? get(next) : null;
                if (kept != null) {
                    r.next = next + 1;
                    return kept;
                }
                r.next = oldest;
                return new Received.Lagged<>(oldest - next, oldest);
            }
            Entry<T>[] ringNow = ring;
            Entry<T> e = (Entry<T>) SLOT.getAcquire(ringNow, (int) (next & (ringNow.length - 1)));
            if (e != null && e.seq() == next) {
                r.next = next + 1;
                return e;
            }
            // Overwritten between reading the tail and the slot: a sender lapped us. Re-reading the
            // tail now reports the lag.
        }
    }
}
