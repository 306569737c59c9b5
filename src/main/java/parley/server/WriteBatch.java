package parley.server;

import java.io.IOException;
import java.util.Arrays;
import parley.server.outbound.WriteDeadline;

/**
 * The writer thread's buffer and its blocking writes: lines are copied together and written when
 * the buffer is full or the drain is done, one {@code metrics.wrote} per write.
 *
 * <p>Touched only by the holder of the writer role: the writer thread, or (through
 * {@link #adopt}) a sender's thread handing over what it could not write inline; the role
 * machine orders them, so there is no lock. The buffer starts small, doubles up to the configured
 * size while drains fill it, and is dropped when the writer retires, so a quiet connection holds a
 * few hundred bytes at most and an idle one none. Heap rather than direct: the JDK copies it into
 * a per-carrier cached direct buffer on write, which costs less than sharing a pool of direct
 * buffers between writers (measured: the pool's queue showed up as 10% of server CPU at 5000
 * posts/s), and keeps idle memory in the heap where it is counted.
 */
final class WriteBatch implements Batch {
    static final int INITIAL_BUFFER = 512;

    private final Sink sink;
    private final int maxBuffer;
    private final Metrics metrics;
    private final WriteDeadline deadline;
    private byte[] buf;
    /** Bytes pending in {@link #buf}; read racily by metrics through {@link #pending}. */
    private int len;
    /** Group messages put since the last write. */
    private int messages;

    WriteBatch(Sink sink, int maxBuffer, Metrics metrics, WriteDeadline deadline) {
        this.sink = sink;
        this.maxBuffer = maxBuffer;
        this.metrics = metrics;
        this.deadline = deadline;
    }

    @Override
    public void putMessage(byte[] line) throws IOException {
        // Before put, which may write: each message is counted exactly once, by that write if the
        // put makes one (though the line itself then goes out with the next).
        messages++;
        put(line);
    }

    @Override
    public void put(byte[] line) throws IOException {
        if (buf == null) buf = new byte[INITIAL_BUFFER];
        if (line.length > buf.length - len) {
            if (buf.length < maxBuffer) {
                // Busy: grow toward the configured size so later drains need fewer writes.
                buf = Arrays.copyOf(buf, Math.min(maxBuffer, Math.max(buf.length * 2, len + line.length)));
            }
            if (line.length > buf.length - len) {
                flush();
                if (line.length > buf.length) {
                    write(line, line.length); // too big for any buffer: written from where it is
                    return;
                }
            }
        }
        System.arraycopy(line, 0, buf, len, line.length);
        len += line.length;
    }

    /** Never full: the writer thread may block, so it takes everything pending. */
    @Override
    public boolean full() {
        return false;
    }

    @Override
    public void flush() throws IOException {
        if (len == 0) return;
        write(buf, len);
        len = 0;
    }

    /**
     * Takes over what an inline turn could not write ({@code n} bytes at the start of {@code b},
     * holding {@code messages} group messages not yet counted), as if put here. Called by the
     * role's holder when the buffer is empty: an inline turn starts only when no writer holds one.
     */
    void adopt(byte[] b, int n, int messages) {
        buf = b;
        len = n;
        this.messages += messages;
    }

    /** Drops the buffer and the sink's view of it: an idle connection holds neither. */
    void release() {
        buf = null;
        len = 0;
        sink.idle();
    }

    /** Bytes put and not yet written (a racy snapshot from other threads, for metrics). */
    int pending() {
        return len;
    }

    /** One write batch to the transport, timed for the write deadline and counted once. */
    private void write(byte[] b, int n) throws IOException {
        deadline.writing();
        try {
            sink.write(b, 0, n);
        } finally {
            deadline.done();
        }
        metrics.wrote(messages, n);
        messages = 0;
    }
}
