package parley.server;

import java.io.IOException;

/**
 * Where a session's {@link Outbound} writes: a TCP socket, a TLS socket, a WebSocket. Writes come
 * only from the holder of the session's writer role: its writer thread ({@link #write}), or a
 * sender's thread that took the free role to write inline ({@link #tryWrite}). The role is held by
 * one thread at a time and handed over with a happens-before edge, so implementations need no
 * locking between those calls; the calls documented as "any thread" may overlap with them.
 */
public interface Sink {

    /**
     * Writes whole packet lines (each ending in a newline), blocking the writer thread until they
     * are handed to the transport. A WebSocket sink sends each line as one text frame.
     */
    void write(byte[] buf, int off, int len) throws IOException;

    /**
     * Sets what a blocking {@link #write} calls each time the transport has taken some of its bytes
     * and more remain: the write deadline counts from the last such progress, so a client that reads
     * slowly but steadily is not taken for one that reads nothing. Set once, before any write.
     */
    default void onProgress(Runnable progressed) {}

    /**
     * Bytes handed to the transport that the client's side has not acknowledged yet, or -1 if the
     * transport cannot tell. Sampled by housekeeping while a write is blocked: when it falls, the
     * client is taking data in, however slowly. Any thread.
     */
    default long unacknowledged() {
        return -1;
    }

    /** True if {@link #tryWrite} can take bytes: the writer may then be spared for short output. */
    default boolean canTryWrite() {
        return false;
    }

    /**
     * Writes what the transport takes at once, never waiting, and returns how many bytes that was;
     * -1 if it took none (full, broken, closed, or not supported). Unlike {@link #write}, any
     * thread may call it, provided the caller holds the session's writer role.
     */
    default long tryWrite(byte[] buf, int off, int len) {
        return -1;
    }

    /**
     * Called once, after the session's last bytes were written and before {@link #close}: a
     * transport with a closing handshake (TLS close_notify, a WebSocket close frame) sends it here,
     * so the client sees an orderly end. Must not block for long; the default does nothing.
     */
    default void sendClose() {}

    /**
     * The writer is ending until there is output again and has dropped its buffer: a sink that
     * kept a view of that buffer lets it go too, so an idle connection holds none. Called by the
     * writer thread while it still holds the role.
     */
    default void idle() {}

    /** Closes the transport; may be called from any thread, more than once. */
    void close();
}
