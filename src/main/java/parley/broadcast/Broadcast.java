package parley.broadcast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;
import parley.budget.MemoryBudget;

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
 * and never more than {@code retainBytes} of weight outside the lag window.
 *
 * <p><b>Bytes.</b> The lag window is bounded in weight as well as in count: it is the last
 * {@code capacity} values, shortened from its oldest end while their weight exceeds
 * {@code capacityBytes} (but never below the newest value: a value heavier than
 * {@code capacityBytes} alone is a window of one). A receiver behind the window's oldest value lags
 * exactly as when it is behind by count ({@link #oldest}). With a {@link MemoryBudget}, every held
 * value's weight is reserved from it before the value is stored and released when the value is
 * dropped; when the budget refuses, the channel drops its own oldest values (history first, then
 * the window's oldest, which receivers then lag over) until the reservation succeeds, and refuses
 * the send ({@link Sent#FULL}) only when it holds nothing else. The weight should therefore be
 * the value's real size in memory.
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
    private final long capacityBytes;
    /** Reserved from for every held value's weight, or null for none. */
    private final MemoryBudget budget;
    private final ToIntFunction<? super T> weigher;
    private final Coalescer coalescer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Replaced (by a larger copy) only under the lock, and always before the tail moves past it. */
    private volatile Entry<T>[] ring;
    private volatile long tail;
    private volatile long retainedFrom;
    private long retainedWeight; // guarded by lock
    /**
     * Where the window's weight or the budget last moved the lag window's oldest end (receivers
     * lag below {@code max(tail - capacity, liveFrom)}). Written under the lock, always before the
     * slots it passes are cleared, so a reader that finds a cleared slot and re-reads this sees it
     * moved. The count window is not published here: readers take it from the tail, as ever.
     */
    private volatile long liveFrom;
    /** The lag window's oldest value, by count and by weight; guarded by lock. */
    private long windowFrom;
    private long liveWeight; // weight of the values in [windowFrom, tail); guarded by lock
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

    /** A channel without a byte window or a budget. */
    public Broadcast(int capacity, int retain, long retainBytes, ToIntFunction<? super T> weigher,
            Coalescer coalescer) {
        this(capacity, Long.MAX_VALUE, retain, retainBytes, weigher, null, coalescer);
    }

    /**
     * @param capacity      how far a receiver may fall behind before it lags, in values
     * @param capacityBytes the most weight the lag window holds (but always its newest value)
     * @param retain        values kept for history reads, at least {@code capacity}
     * @param retainBytes   the weight held in all (the window's included) up to which values
     *                      older than the lag window are kept for history
     * @param weigher       a value's weight: its real size in memory when there is a budget
     * @param budget        reserved from for every held value, or null for none
     * @param coalescer     paces the wakes of receivers; {@link Coalescer#OFF} wakes on every send
     */
    @SuppressWarnings("unchecked")
    public Broadcast(int capacity, long capacityBytes, int retain, long retainBytes,
            ToIntFunction<? super T> weigher, MemoryBudget budget, Coalescer coalescer) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes must not be negative, got " + capacityBytes);
        }
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
        this.capacityBytes = capacityBytes;
        this.budget = budget;
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

    /** The most weight the lag window holds (beyond its newest value). */
    public long capacityBytes() {
        return capacityBytes;
    }

    /** The sequence number of the oldest value a receiver can still read without lagging. */
    public long oldest() {
        return Math.max(liveFrom, tail - capacity);
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
         * The memory budget could not hold the value even with everything else this channel held
         * dropped: nothing was sent (no sequence number was taken).
         */
        FULL,
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
     * Sends a value to every current receiver and returns its sequence number, -1 if the channel
     * is closed, or -2 if the memory budget could not hold it ({@link Sent#FULL}). Never waits for a receiver, and wakes them itself ({@link Wakeable#wake}):
     * at once, or within the coalescer's delay for a busy channel.
     */
    public long send(T value) {
        return send(value, false, false);
    }

    /**
     * Sends a value like {@link #send(Object)}, but leaves a quiet channel's wake to the caller,
     * which knows whether more sends are coming and whether its own thread may serve the
     * receivers; a busy channel's wake is paced as ever. The value is visible to receivers that
     * are already reading as soon as this returns, woken or not.
     */
    public Sent sendLeavingQuietWake(T value) {
        return sent(sendNumbered(value));
    }

    /**
     * As {@link #sendLeavingQuietWake}, telling also the sequence number the value took, both in
     * one {@code long} (no allocation on the post path): read them with {@link #sent(long)} and
     * {@link #seqOf(long)}.
     */
    public long sendNumbered(T value) {
        return send(value, true, false);
    }

    /** What a {@link #sendNumbered} did. */
    public static Sent sent(long numbered) {
        return numbered == -1 ? Sent.REFUSED : numbered == FULL ? Sent.FULL : numbered < 0 ? Sent.QUIET : Sent.WOKEN;
    }

    /** The sequence number a {@link #sendNumbered} gave its value; only for {@link Sent#QUIET} or {@link Sent#WOKEN}. */
    public static long seqOf(long numbered) {
        return numbered & Long.MAX_VALUE;
    }

    /**
     * Sends a value like {@link #send(Object)}, but when the memory budget cannot hold it even
     * with everything else dropped, it still takes its sequence number and is dropped at once:
     * every receiver then lags over it, told exactly as for any value it missed. For a sender that
     * cannot refuse (values arriving from elsewhere in a fixed order). Returns the value's sequence
     * number, or -1 if the channel is closed.
     */
    public long sendOrDrop(T value) {
        return send(value, false, true);
    }

    /** What {@link #send(Object, boolean, boolean)} returns when the budget refused the value. */
    private static final long FULL = -2;

    /**
     * Returns the value's sequence number, -1 if the channel is closed, {@link #FULL} if the budget
     * refused it, or, when a quiet wake was left to the caller, the sequence number with the sign
     * bit set (below -2, allocation-free: a sequence number never reaches 2^63 - 2).
     */
    private long send(T value, boolean leaveQuietWake, boolean dropWhenFull) {
        long seq;
        long wake = WakePacing.NOW;
        lock.lock();
        try {
            if (closed) return -1;
            seq = tail;
            int weight = weigher.applyAsInt(value);
            Entry<T>[] r = ringFor(seq);
            // The window after this send: the last `capacity` values, then fewer while their
            // weight with the new value's exceeds capacityBytes (down to the new value alone).
            advanceLive(r, seq + 1 - capacity, seq, false);
            while (windowFrom < seq && liveWeight + weight > capacityBytes) advanceLive(r, windowFrom + 1, seq, true);
            trim(r, seq + 1); // drops, and un-weighs, whatever this write is about to overwrite
            boolean held = true;
            if (budget != null) {
                while (!budget.tryReserve(weight)) {
                    if (retainedFrom >= seq) {
                        held = false;
                        break;
                    }
                    dropOldest(r, seq);
                }
            }
            if (held) {
                SLOT.setRelease(r, (int) (seq & (r.length - 1)), new Entry<>(seq, value));
                retainedWeight += weight;
                liveWeight += weight;
            } else if (dropWhenFull) {
                // Taken and dropped at once: receivers lag over it (liveFrom before the tail).
                windowFrom = seq + 1;
                liveFrom = seq + 1;
                retainedFrom = seq + 1;
            } else {
                return FULL;
            }
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
     * Moves the lag window's oldest end to {@code from} (below {@code tail}), un-weighing the
     * values it leaves behind; they stay retained for history until {@link #trim} drops them.
     * {@code publish}: the move is by weight or budget, which readers must see ({@link #liveFrom});
     * a move by count they see from the tail.
     */
    private void advanceLive(Entry<T>[] r, long from, long tail, boolean publish) {
        long old = windowFrom;
        if (from <= old) return;
        for (long s = Math.max(old, retainedFrom); s < Math.min(from, tail); s++) {
            Entry<T> e = r[(int) (s & (r.length - 1))];
            if (e != null && e.seq() == s) liveWeight -= weigher.applyAsInt(e.value());
        }
        windowFrom = from;
        if (publish) liveFrom = from;
    }

    /**
     * Drops the oldest value held (below {@code tail}) because the budget refused a new one:
     * history first; a value of the lag window takes the window's end with it, published before
     * its slot is cleared so a receiver that finds the slot empty sees that it lagged.
     */
    private void dropOldest(Entry<T>[] r, long tail) {
        long s = retainedFrom;
        if (s >= windowFrom) advanceLive(r, s + 1, tail, true);
        clearRetained(r, s);
        retainedFrom = s + 1;
    }

    /**
     * Empties the slot of value {@code s} if it still holds that value (a slot already reused by a
     * later value is left alone), taking its weight off the retained weight and giving it back to
     * the budget. Under the lock.
     */
    private void clearRetained(Entry<T>[] r, long s) {
        int slot = (int) (s & (r.length - 1));
        Entry<T> e = r[slot];
        if (e != null && e.seq() == s) {
            int w = weigher.applyAsInt(e.value());
            retainedWeight -= w;
            if (budget != null) budget.release(w);
            SLOT.setRelease(r, slot, null);
        }
    }

    /**
     * Drops the oldest retained values beyond the last {@code retain}, and more while over the
     * weight budget, but never into the lag window.
     */
    private void trim(Entry<T>[] r, long newTail) {
        long from = retainedFrom;
        long byCount = newTail - retain;
        long floor = windowFrom;
        while (from < floor && (from < byCount || retainedWeight > retainBytes)) {
            clearRetained(r, from);
            from++;
        }
        retainedFrom = from;
    }

    /**
     * Closes the channel ({@link #close}) and drops every value it holds, giving their weight back
     * to the budget: for a channel no one will read again (its receivers, if any, lag over what
     * was dropped and then see it closed). Idempotent.
     */
    public void discard() {
        close();
        lock.lock();
        try {
            Entry<T>[] r = ring;
            long t = tail;
            if (liveFrom < t) liveFrom = t;
            windowFrom = t;
            liveWeight = 0;
            for (long s = retainedFrom; s < t; s++) {
                clearRetained(r, s);
            }
            retainedFrom = t;
        } finally {
            lock.unlock();
        }
    }

    /** The weight of every value held now (the lag window and history); a snapshot for tests and metrics. */
    public long heldWeight() {
        lock.lock();
        try {
            return retainedWeight;
        } finally {
            lock.unlock();
        }
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
            // Read after the tail: a window shortened by weight or by the budget moves liveFrom
            // before it clears a slot, so a cleared slot seen below sends us round to see it here.
            long oldest = Math.max(t - capacity, liveFrom);
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
