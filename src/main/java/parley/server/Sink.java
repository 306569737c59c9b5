package parley.server;

import java.io.IOException;

/**
 * Where a session's {@link Outbound} writes: a TCP socket, a TLS socket, a WebSocket. The writer
 * thread is the only caller, so implementations need no locking of their own.
 */
public interface Sink {

    /**
     * Writes whole packet lines (each ending in a newline), blocking the writer thread until they
     * are handed to the transport. A WebSocket sink sends each line as one text frame.
     */
    void write(byte[] buf, int off, int len) throws IOException;

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
     * kept a view of that buffer lets it go too, so an idle connection holds none. Writer thread only.
     */
    default void idle() {}

    /** Closes the transport; may be called from any thread, more than once. */
    void close();
}
