package parley.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw protocol client for the fault tests: writes lines, and a virtual thread reads everything the
 * server sends, keeping the exact bytes and the lines.
 */
final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;
    private volatile IOException failure;

    LineClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        out = socket.getOutputStream();
        reader = Thread.ofVirtual().name("line-client").start(this::read);
    }

    private void read() {
        byte[] buf = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (received) {
                    received.write(buf, 0, n);
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines.add(line.toString(UTF_8));
                        line.reset();
                    } else {
                        line.write(buf[i]);
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            ended = true;
        }
    }

    void send(String line) throws IOException {
        sendRaw((line + "\n").getBytes(UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void join(String group) throws IOException {
        send("{\"Join\":{\"group_name\":\"" + group + "\"}}");
    }

    void post(String group, String message) throws IOException {
        send("{\"Post\":{\"group_name\":\"" + group + "\",\"message\":\"" + message + "\"}}");
    }

    /** The next line, or null after {@code timeout}. */
    String nextLine(Duration timeout) throws InterruptedException {
        return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Exactly {@code n} lines; fails if they do not arrive within {@code timeout} in all. */
    List<String> lines(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> got = new ArrayList<>(n);
        while (got.size() < n) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new AssertionError("got " + got.size() + " of " + n + " lines within " + timeout
                        + (got.isEmpty() ? "" : "; last: " + got.getLast()));
            }
            got.add(l);
        }
        return got;
    }

    /** Lines received and not yet taken. */
    int linesQueued() {
        return lines.size();
    }

    /** Everything received so far, byte for byte. */
    byte[] bytes() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** True once the server closed the connection (or it was reset). */
    boolean ended() {
        return ended;
    }

    IOException failure() {
        return failure;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
