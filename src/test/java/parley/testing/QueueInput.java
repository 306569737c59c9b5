package parley.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A client's standard input that stays open until {@link #end()}; lines arrive as the test sends them. */
public final class QueueInput extends Reader {
    private static final String END = new String("<end>");
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private String current = "";
    private int pos;

    public QueueInput send(String line) {
        pending.add(line + "\n");
        return this;
    }

    public void end() {
        pending.add(END);
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (current != null && pos == current.length()) {
            String next;
            try {
                next = pending.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stdin read interrupted");
            }
            current = next == END ? null : next;
            pos = 0;
        }
        if (current == null) return -1;
        int n = Math.min(len, current.length() - pos);
        current.getChars(pos, pos + n, buf, off);
        pos += n;
        return n;
    }

    @Override
    public void close() {}
}
