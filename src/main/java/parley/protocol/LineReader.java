package parley.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Frames a byte stream into lines ending in LF or CRLF, with a hard limit on a line's length.
 *
 * <p>The buffer starts small and grows only while a long line is being read, up to the limit
 * plus the line terminator, then shrinks back: an idle connection holds {@code initialSize}
 * bytes (none after {@link #releaseBuffer}), and no peer can make it hold more than the limit.
 * The line is handed out as a view of the buffer (valid until the next call), so framing
 * allocates nothing per line.
 *
 * <p>Not thread-safe: one reader per stream.
 */
public final class LineReader {
    private final ReadableByteChannel in;
    private final int initialSize;
    private final int maxLine;
    private byte[] buf;
    private ByteBuffer window;
    private int start;   // first byte not yet handed out
    private int end;     // end of the bytes read so far
    private int scanned; // bytes in [start, scanned) hold no LF
    private boolean eof;
    private int lineStart;
    private int lineLength;

    public LineReader(ReadableByteChannel in, int initialSize, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
        this.initialSize = Math.min(Math.max(16, initialSize), maxLine + 2);
        setBuffer(new byte[this.initialSize]);
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
            if (end - start > maxLine + 1) {
                throw new LineTooLongException(maxLine);
            }
            if (eof) {
                if (start == end) return false;
                emit(end, end);
                return true;
            }
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
        if (end - start > maxLine + 1) throw new LineTooLongException(maxLine);
        if (!eof) fill();
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
        if (e - start > maxLine) {
            throw new LineTooLongException(maxLine);
        }
        lineStart = start;
        lineLength = e - start;
        start = next;
        scanned = next;
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
    private void makeRoom() {
        if (start == end) {
            start = end = scanned = 0;
            if (buf == null || buf.length > initialSize) setBuffer(new byte[initialSize]);
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
        int cap = maxLine + 2;
        setBuffer(Arrays.copyOf(buf, (int) Math.min(cap, buf.length * 2L)));
    }

    private void setBuffer(byte[] b) {
        buf = b;
        window = ByteBuffer.wrap(b);
    }
}
