package parley.server;

import java.util.Arrays;

/**
 * One inline turn: a sender's thread, holding the writer role because it was free (see
 * {@link Outbound#wakeInline}), writes a quiet group's new lines itself with the transport's
 * non-blocking {@link Sink#tryWrite}, which spares starting a writer thread, and its stack, for
 * one line. It never waits for the client: it collects at most about {@link #BUDGET} bytes, and
 * what the transport does not take at once is handed to the writer thread ({@link #handOver}).
 *
 * <p>One collected line is written from where it is (the line its post encoded once), not copied;
 * only a second line, or a rest to hand over, needs a buffer. Touched only by the role's holder.
 */
final class InlineBatch implements Batch {
    /** Bytes an inline turn collects at most before leaving the rest to the writer thread. */
    static final int BUDGET = 16 * 1024;

    private final Sink sink;
    private final Metrics metrics;
    /** The one line collected so far, shared with every member: never written into. */
    private byte[] single;
    /** Two or more lines, or the rest the transport did not take; null when neither. */
    private byte[] buf;
    private int len;
    /** Group messages put and not yet counted by a write. */
    private int messages;
    /** The budget was reached or the transport did not take everything: the writer thread must go on. */
    private boolean leftover;

    InlineBatch(Sink sink, Metrics metrics) {
        this.sink = sink;
        this.metrics = metrics;
    }

    @Override
    public void putMessage(byte[] line) {
        messages++;
        put(line);
    }

    /** Collects a line without ever writing. */
    @Override
    public void put(byte[] line) {
        if (single == null && len == 0) {
            single = line;
            return;
        }
        keepSingle();
        append(line);
    }

    @Override
    public boolean full() {
        if ((single != null ? single.length : len) < BUDGET) return false;
        leftover = true;
        return true;
    }

    /** Writes what the transport takes now; the rest stays at the front of the buffer. */
    @Override
    public void flush() {
        byte[] b = single != null ? single : buf;
        int n = single != null ? single.length : len;
        if (n == 0) return;
        int took = (int) Math.max(0, sink.tryWrite(b, 0, n));
        if (took > 0) { // otherwise the writer thread's write counts these messages
            metrics.wrote(messages, took);
            messages = 0;
        }
        if (took == n) {
            single = null;
            len = 0;
            return;
        }
        int rest = n - took;
        if (b == single) {
            single = null;
            buf = new byte[Math.max(WriteBatch.INITIAL_BUFFER, rest)];
        }
        System.arraycopy(b, took, buf, 0, rest);
        len = rest;
        leftover = true;
    }

    /** True if this turn left something for the writer thread (budget reached, or a partial write). */
    boolean leftover() {
        return leftover;
    }

    /**
     * Ends the turn: whatever was collected and not written goes to the writer thread's batch
     * (which is empty, the role having been free), and this batch drops everything.
     */
    void handOver(WriteBatch writer) {
        keepSingle(); // the writer's buffer is written into later: a shared line must be copied first
        if (len > 0) writer.adopt(buf, len, messages);
        buf = null;
        len = 0;
        messages = 0;
        leftover = false;
    }

    /** Moves the single collected line into the buffer. */
    private void keepSingle() {
        byte[] line = single;
        if (line == null) return;
        single = null;
        append(line);
    }

    /** Appends to the buffer, growing it without bound: the budget is checked per line. */
    private void append(byte[] line) {
        if (buf == null) buf = new byte[Math.max(WriteBatch.INITIAL_BUFFER, line.length)];
        if (line.length > buf.length - len) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + line.length));
        System.arraycopy(line, 0, buf, len, line.length);
        len += line.length;
    }
}
