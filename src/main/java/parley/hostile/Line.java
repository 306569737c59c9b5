package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A chat connection as text lines: what an attacker (or the probe member) writes and reads. */
final class Line implements AutoCloseable {
    /** What {@link #read} returns when nothing came within the timeout. */
    static final String TIMEOUT = "<timeout>";
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[65536];
    private int pos;
    private int lim;

    private Line(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects; {@code receiveBuffer} > 0 sets a small window, as a client that never reads has. */
    static Line open(InetSocketAddress address, int receiveBuffer) throws IOException {
        return open(address, receiveBuffer, null);
    }

    /** Connects from {@code local} (a loopback address, or null for any). */
    static Line open(InetSocketAddress address, int receiveBuffer, String local) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
            if (local != null) s.bind(new InetSocketAddress(local, 0));
            s.setTcpNoDelay(true);
            s.connect(address, 10_000);
            return new Line(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    Line send(String line) throws IOException {
        return sendRaw((line + "\n").getBytes(UTF_8));
    }

    synchronized Line sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next line, null at the end of the stream (or a reset), {@link #TIMEOUT} if none within the time. */
    String read(long timeoutMillis) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        return readInto(line, timeoutMillis) ? line.toString(UTF_8) : last;
    }

    /** Why the last read found no line: null (the end) or {@link #TIMEOUT}. */
    private String last;

    /** Reads up to a newline into {@code line}; false (and {@code last} says why) at the end or a timeout. */
    private boolean readInto(ByteArrayOutputStream line, long timeoutMillis) throws IOException {
        long end = System.nanoTime() + Math.max(1, timeoutMillis) * 1_000_000;
        while (true) {
            if (pos == lim) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    last = TIMEOUT;
                    return false;
                }
                socket.setSoTimeout((int) left);
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        last = null;
                        return false;
                    }
                    pos = 0;
                    lim = n;
                } catch (SocketTimeoutException e) {
                    last = TIMEOUT;
                    return false;
                } catch (IOException e) {
                    if (socket.isClosed()) throw e;
                    last = null;
                    return false;
                }
            }
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, pos, i - pos);
                    pos = i + 1;
                    return true;
                }
            }
            line.write(buf, pos, lim - pos);
            pos = lim;
        }
    }

    /** Reads through everything until the end of the stream, at most {@code timeoutMillis}; true if it ended. */
    boolean ended(long timeoutMillis) throws IOException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        byte[] skip = new byte[8192];
        while (System.nanoTime() < end) {
            socket.setSoTimeout((int) Math.max(1, (end - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(skip) < 0) return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    /** Closes with a TCP reset, as an attacker that simply vanishes. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String join(String group) {
        return "{\"Join\":{\"group_name\":" + json(group) + "}}";
    }

    static String post(String group, String message) {
        return "{\"Post\":{\"group_name\":" + json(group) + ",\"message\":" + json(message) + "}}";
    }

    static String error(String text) {
        return "{\"Error\":" + json(text) + "}";
    }
}
