package parley.server.outbound;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Who may write to one connection: the writer role, held by at most one thread at a time, and
 * the five states it moves through. Whoever holds the role (the writer thread, or a sender's
 * thread writing inline) is the only one to touch the connection's write buffer and transport,
 * so they need no lock.
 *
 * <pre>
 *   IDLE ──signal──▶ DIRTY (the signaller starts a writer thread)      IDLE ──tryAcquireInline──▶ RUNNING
 *   RUNNING ──signal──▶ DIRTY          DIRTY/RUNNING ──begin──▶ RUNNING (the holder drains)
 *   RUNNING ──park──▶ PARKED ──signal──▶ DIRTY (the signaller unparks the writer)
 *   PARKED ──tryRetire──▶ IDLE (the thread ends)       RUNNING ──releaseInline──▶ IDLE
 *   any ──close──▶ CLOSED (final)
 * </pre>
 *
 * <p>A signal to a writer that is already running costs one CAS and never an unpark. The role is
 * given up (to IDLE) only by its holder, from RUNNING or PARKED with a CAS, so a signal that comes
 * first makes the holder carry on instead: no signal is ever lost, and no two holders ever overlap.
 * This class knows nothing of what is written; it is driven by the connection's facade.
 */
public final class WriterRole {
    private static final int IDLE = 0;    // nobody holds the role, no writer thread
    private static final int RUNNING = 1; // the holder is draining, no new signal since it began
    private static final int DIRTY = 2;   // new work signalled: the holder (or the thread being started) must look again
    private static final int PARKED = 3;  // the writer thread holds the role, parked, lingering for work
    private static final int CLOSED = 4;  // no more writing, ever

    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** The writer thread while it holds the role (null while it retires): the one to unpark. */
    private volatile Thread writer;
    /** Asked to end once parked (housekeeping, or a quiet sender that wants the role free); read by the writer. */
    private volatile boolean retire;

    /**
     * There may be work. Any thread, never blocks. Returns true if the role was free: the caller
     * must then start a writer thread, which holds the role from now on (it calls {@link #begin}).
     * Otherwise the holder is told to look again (unparked if it was parked), or the role is
     * closed, and the caller does nothing more.
     */
    public boolean signal() {
        while (true) {
            int s = state.get();
            if (s == DIRTY || s == CLOSED) return false;
            if (state.compareAndSet(s, DIRTY)) {
                if (s == PARKED) unpark(writer);
                return s == IDLE;
            }
        }
    }

    /**
     * A sender's thread takes the free role to write inline. True if it now holds the role
     * (RUNNING); it must then end with {@link #releaseInline}. False if anyone holds it or it is
     * closed: the caller must not write.
     */
    public boolean tryAcquireInline() {
        return state.compareAndSet(IDLE, RUNNING);
    }

    /**
     * The inline holder is done and nothing is left to write: gives the role up. True if it is
     * free again; false if a signal came meanwhile (DIRTY) or it was closed: the caller must then
     * start a writer thread, which takes the role over (and ends at once if closed).
     */
    public boolean releaseInline() {
        return state.compareAndSet(RUNNING, IDLE);
    }

    /**
     * The writer thread registers itself, first thing, so signals and {@link #close} can unpark it.
     * Writer thread only.
     */
    public void enter() {
        writer = Thread.currentThread();
    }

    /**
     * The holder is about to drain: consumes pending signals (to RUNNING), so any signal from now
     * on makes it look again. False if closed: the holder must stop writing and end. Holder only.
     */
    public boolean begin() {
        while (true) {
            int s = state.get();
            if (s == CLOSED) return false;
            if (state.compareAndSet(s, RUNNING)) return true;
        }
    }

    /**
     * The writer thread drained everything and wants to wait for work. True if it is now PARKED
     * and must call {@link #awaitWorkOrRetire}; false if a signal came since {@link #begin} (or
     * the role was closed): the writer goes back to {@link #begin} at once. Writer thread only.
     */
    public boolean park() {
        return state.compareAndSet(RUNNING, PARKED);
    }

    /**
     * Parked, waits until a signal or {@link #close} moves the state on (returns false: go back to
     * {@link #begin}), or a retire is asked for (returns true: the writer drops what it holds and
     * then calls {@link #tryRetire}). Writer thread only, after {@link #park} returned true.
     */
    public boolean awaitWorkOrRetire() {
        while (state.get() == PARKED) {
            if (retire) {
                retire = false;
                return true;
            }
            LockSupport.park(this);
        }
        return false;
    }

    /**
     * The parked writer, having dropped everything it held, gives the role up. True if the role is
     * now IDLE and the thread must end: a later signal starts a new writer, which can never overlap
     * with this one. False if a signal (or close) came first: this thread carries on as the writer
     * (back to {@link #begin}). Writer thread only.
     */
    public boolean tryRetire() {
        // Unregister before letting go: once IDLE, a new writer may register, and must not be undone.
        writer = null;
        if (state.compareAndSet(PARKED, IDLE)) return true;
        writer = Thread.currentThread();
        return false;
    }

    /**
     * Asks the writer thread to end once it has drained and parked (a quiet sender wants the role
     * free for its next inline write). Any thread; the request is read only while parked.
     */
    public void retireWhenParked() {
        retire = true;
    }

    /** Asks a parked writer thread to end now (housekeeping: the connection has been idle). Any thread. */
    public void retire() {
        retire = true;
        unpark(writer);
    }

    /**
     * No more writing, ever: a parked writer is unparked to see it and end; a writer blocked in a
     * write is released when the transport closes. Any thread, any number of times.
     */
    public void close() {
        state.set(CLOSED);
        unpark(writer);
    }

    public boolean isClosed() {
        return state.get() == CLOSED;
    }

    /** True while the writer thread is parked waiting for work (a snapshot, for housekeeping). */
    public boolean isParked() {
        return state.get() == PARKED;
    }

    /** The state's name, for tests and diagnostics. */
    @Override
    public String toString() {
        return switch (state.get()) {
            case IDLE -> "IDLE";
            case RUNNING -> "RUNNING";
            case DIRTY -> "DIRTY";
            case PARKED -> "PARKED";
            default -> "CLOSED";
        };
    }

    private static void unpark(Thread t) {
        if (t != null) LockSupport.unpark(t);
    }
}
