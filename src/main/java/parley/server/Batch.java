package parley.server;

import java.io.IOException;

/**
 * Where the drain puts the lines it takes, in order, for one turn of whoever holds the writer
 * role: the writer thread's {@link WriteBatch}, which may block on the transport, or a sender's
 * {@link InlineBatch}, which never does. The hot path is drain → {@link #putMessage} → write.
 */
interface Batch {

    /** Adds a group message: counted as one message in the metrics of the write that sends it. */
    void putMessage(byte[] line) throws IOException;

    /** Adds a line that is not a group message (a reply, a notice, a lag notice). */
    void put(byte[] line) throws IOException;

    /** True if this batch takes nothing more this turn: the drain leaves the rest where it is. */
    boolean full();

    /** Hands what was put to the transport (all of it, or for an inline batch what it takes at once). */
    void flush() throws IOException;
}
