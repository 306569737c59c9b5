package parley.server.outbound;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * When the write in progress started or last made progress: the server's housekeeping reads it to
 * find a client whose socket has accepted nothing for the write deadline. Two volatile writes per
 * write batch, one more each time a blocked write goes on, nothing per message.
 */
public final class WriteDeadline {
    private static final VarHandle SINCE;

    static {
        try {
            SINCE = MethodHandles.lookup().findVarHandle(WriteDeadline.class, "since", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** System.nanoTime of the write's start or last progress (never 0: the low bit is set), or 0 when not writing. */
    private volatile long since;

    /** A blocking write starts. The writer role's holder only. */
    public void writing() {
        since = System.nanoTime() | 1;
    }

    /**
     * The transport took some bytes of the write in progress and more remain (the sink's progress
     * callback, on the writing thread): the deadline counts from now.
     */
    public void tookSome() {
        since = System.nanoTime() | 1;
    }

    /** The write ended (done or failed). The writer role's holder only. */
    public void done() {
        since = 0;
    }

    /**
     * The client took some of the write in progress (seen by housekeeping from the transport's
     * acknowledgements): the deadline starts again from {@code now}. Nothing if that write has
     * ended meanwhile: the CAS never turns a finished write back into a blocked one. Any thread.
     */
    public void progressed(long now) {
        long s = since;
        if (s != 0) SINCE.compareAndSet(this, s, now | 1);
    }

    /** How long the write in progress has taken nothing, or 0 if no write is in progress. Any thread. */
    public long blockedFor(long now) {
        long s = since;
        return s == 0 ? 0 : now - s;
    }
}
