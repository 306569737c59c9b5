package parley.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One subscriber's reading state, whatever its transport: its group, its own read buffer (which
 * grows only while a long line arrives), and one sequence check per publisher, made when that
 * publisher's first message arrives. Touched by one thread at a time: the selector thread that
 * owns it, or the reader holding its lane's lock.
 */
final class Subscriber {
    /** A line longer than this closes the connection as broken. */
    static final int MAX_BUFFER = 1 << 24;

    final int group;
    final byte[] groupName;
    byte[] buf;
    ByteBuffer bb;
    int start;
    int end;
    /** Readiness posts (kind S) received. */
    int syncs;
    private SequenceCheck[] checks;

    Subscriber(int group, String groupName, int bufferSize) {
        this.group = group;
        this.groupName = groupName.getBytes(StandardCharsets.UTF_8);
        this.buf = new byte[bufferSize];
        this.bb = ByteBuffer.wrap(buf);
    }

    /** Makes room for a read: compacts, then doubles the buffer; false if a line would exceed {@link #MAX_BUFFER}. */
    boolean makeRoom(int wanted) {
        if (buf.length - end >= wanted) return true;
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            if (buf.length - end >= wanted) return true;
        }
        if (buf.length >= MAX_BUFFER) return false;
        buf = Arrays.copyOf(buf, Math.min(MAX_BUFFER, buf.length * 2));
        bb = ByteBuffer.wrap(buf);
        return true;
    }

    /** Appends what a link read; false if a line would exceed {@link #MAX_BUFFER}. */
    boolean append(byte[] b, int off, int len) {
        while (buf.length - end < len) {
            if (!makeRoom(len)) return false;
        }
        System.arraycopy(b, off, buf, end, len);
        end += len;
        return true;
    }

    SequenceCheck check(int publisher) {
        if (checks == null) checks = new SequenceCheck[Math.max(4, publisher + 1)];
        if (publisher >= checks.length) checks = Arrays.copyOf(checks, Math.max(publisher + 1, checks.length * 2));
        SequenceCheck c = checks[publisher];
        if (c == null) checks[publisher] = c = new SequenceCheck();
        return c;
    }

    void addTo(SequenceCheck.Totals totals) {
        if (checks == null) return;
        for (SequenceCheck c : checks) {
            if (c != null) totals.add(c);
        }
    }
}
