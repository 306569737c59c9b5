package parley.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import parley.budget.MemoryBudget;

/**
 * Frames a byte stream into lines ending in LF or CRLF, with a hard limit on a line's length.
 *
 * <p>The buffer starts small and grows only while a long line is being read, up to the limit
 * plus the line terminator, then shrinks back: an idle connection holds {@code initialSize}
 * bytes (none after {@link #releaseBuffer}), and no peer can make it hold more than the limit.
 * The line is handed out as a view of the buffer (valid until the next call), so framing
 * allocates nothing per line.
 *
 * <p>Memory: growth past {@code initialSize} is reserved from a {@link MemoryBudget} before the
 * buffer grows and released when it shrinks back or the reader is {@link #close closed}; a line
 * that must grow when the budget has no room ends with a {@link LineBudgetException}. The limit
 * may be lowered for a while ({@link #limitTo}, for a connection that has not authenticated yet).
 *
 * <p>Not thread-safe: one reader per stream; only {@link #unfinishedSince} may be asked from
 * another thread.
 */
public final class LineReader {
    private final ReadableByteChannel in;
    private final int initialSize;
    private final int maxLine;
    /** The limit now: {@link #maxLine}, or less while {@link #limitTo} says so. */
    private int limit;
    /** What the buffer's growth past {@code initialSize} is reserved from, or null for no bound. */
    private final MemoryBudget budget;
    /** Bytes reserved from the budget now: the buffer's size past {@code initialSize}. */
    private long reserved;
    /** When the reader first waited for the rest of the line it holds (System.nanoTime), or 0. */
    private volatile long unfinishedSince;
    private byte[] buf;
    private ByteBuffer window;
    private int start;   // first byte not yet handed out
    private int end;     // end of the bytes read so far
    private int scanned; // bytes in [start, scanned) hold no LF
    private boolean eof;
    private int lineStart;
    private int lineLength;

    public LineReader(ReadableByteChannel in, int initialSize, int maxLine) {
        this(in, initialSize, maxLine, null);
    }

    /** @param budget what growing the buffer past {@code initialSize} draws from; null for no bound */
    public LineReader(ReadableByteChannel in, int initialSize, int maxLine, MemoryBudget budget) {
        this.in = in;
        this.maxLine = maxLine;
        this.limit = maxLine;
        this.budget = budget;
        this.initialSize = Math.min(Math.max(16, initialSize), maxLine + 2);
        setBuffer(new byte[this.initialSize]);
    }

    /**
     * Sets the line limit to {@code max} (at most the limit given at construction), from the next
     * read on. A lower limit is for a while, e.g. until the peer has authenticated.
     */
    public void limitTo(int max) {
        limit = Math.min(max, maxLine);
    }

    /** The line limit now. */
    public int limit() {
        return limit;
    }

    /**
     * When the reader started waiting for the rest of the line it holds part of (a
     * {@link System#nanoTime} value), or 0 if it holds no unfinished line. Any thread.
     */
    public long unfinishedSince() {
        return unfinishedSince;
    }

    /**
     * Lets go of the buffer and gives back what its growth had reserved; the reader must not be
     * used again. Safe to call more than once.
     */
    public void close() {
        start = end = scanned = 0;
        buf = null;
        window = null;
        giveBack();
        unfinishedSince = 0;
    }

    /**
     * True if another whole line is already read, so {@link #next} will return it without reading
     * from the stream. (Part of a line does not count: the next call would wait for the rest.)
     */
    public boolean hasBufferedLine() {
        if (start == end) return false;
        return eof || indexOfNewline() >= 0;
    }

    /**
     * Advances to the next line. Returns false at end of stream; a final line without a
     * terminator still counts as a line, as in the book's {@code BufRead::lines}.
     *
     * @throws LineTooLongException when a line exceeds the limit; the stream is then unusable
     */
    public boolean next() throws IOException {
        while (true) {
            int nl = indexOfNewline();
            if (nl >= 0) {
                emit(nl, nl + 1);
                return true;
            }
            if (end - start > limit + 1) {
                throw new LineTooLongException(limit);
            }
            if (eof) {
                if (start == end) return false;
                emit(end, end);
                return true;
            }
            if (start != end) waitingForRest();
            fill();
        }
    }

    /**
     * Lets go of the buffer if it holds nothing unread (the next read allocates a new one): a
     * connection waiting without a thread then holds no read buffer either. Returns whether it did.
     */
    public boolean releaseBuffer() {
        if (start != end) return false;
        start = end = scanned = 0;
        buf = null;
        window = null;
        giveBack();
        return true;
    }

    /**
     * Reads once from the stream, waiting for it if nothing has come, without looking for a line:
     * for a caller that wants to decide between reads how to wait for the next ({@link #next}
     * then returns any line completed). Does nothing once the stream has ended.
     *
     * @throws LineTooLongException when the line being read is already over the limit
     */
    public void readOnce() throws IOException {
        if (end - start > limit + 1) throw new LineTooLongException(limit);
        if (start != end) waitingForRest();
        if (!eof) fill();
    }

    /** About to wait for more of a line: the first such wait dates it (honest reads never get here). */
    private void waitingForRest() {
        if (unfinishedSince == 0) unfinishedSince = System.nanoTime();
    }

    /** True once the stream has ended (lines may still be buffered). */
    public boolean ended() {
        return eof;
    }

    public byte[] array() {
        return buf;
    }

    public int lineStart() {
        return lineStart;
    }

    public int lineLength() {
        return lineLength;
    }

    /** True if the current line holds nothing but spaces, tabs or carriage returns. */
    public boolean lineIsBlank() {
        for (int i = lineStart, e = lineStart + lineLength; i < e; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t' && b != '\r') return false;
        }
        return true;
    }

    private int indexOfNewline() {
        for (int i = scanned; i < end; i++) {
            if (buf[i] == '\n') return i;
        }
        scanned = end;
        return -1;
    }

    private void emit(int lineEnd, int next) throws LineTooLongException {
        int e = lineEnd;
        if (e > start && buf[e - 1] == '\r') e--;
        if (e - start > limit) {
            throw new LineTooLongException(limit);
        }
        lineStart = start;
        lineLength = e - start;
        start = next;
        scanned = next;
        if (unfinishedSince != 0) unfinishedSince = 0;
    }

    private void fill() throws IOException {
        makeRoom();
        window.limit(buf.length).position(end);
        int n = in.read(window);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    /** Compacts, shrinks back after a long line, or grows (never past the limit's needs). */
    private void makeRoom() throws LineBudgetException {
        if (start == end) {
            start = end = scanned = 0;
            if (buf == null || buf.length > initialSize) {
                setBuffer(new byte[initialSize]);
                giveBack();
            }
            return;
        }
        if (end < buf.length) return;
        int pending = end - start;
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, pending);
            scanned -= start;
            start = 0;
            end = pending;
            return;
        }
        int cap = limit + 2;
        int size = (int) Math.max(buf.length, Math.min(cap, buf.length * 2L));
        if (size == buf.length) return; // over the limit: the caller's check throws
        long more = size - buf.length;
        if (budget != null && !budget.tryReserve(more)) throw new LineBudgetException(more);
        reserved += more;
        setBuffer(Arrays.copyOf(buf, size));
    }

    private void giveBack() {
        if (reserved > 0 && budget != null) budget.release(reserved);
        reserved = 0;
    }

    private void setBuffer(byte[] b) {
        buf = b;
        window = ByteBuffer.wrap(b);
    }
}
