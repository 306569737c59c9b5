package parley.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import parley.net.ChatServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;
public final class TestClient implements AutoCloseable {
    /** Generous per-read default for tests that just expect the next line. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final Socket socket;
    private final BufferedInputStream in;
    private final OutputStream out;
    /** Holds a partial line across a timed-out read, so no byte is ever lost. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream(128);
    private boolean eof;

    private TestClient(Socket socket, int inputBuffer) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), inputBuffer);
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code server} over loopback. */
    public static TestClient connect(ChatServer server) throws IOException {
        return connect(server.address(), -1, 8192);
    }

    public static TestClient connect(InetSocketAddress address) throws IOException {
        return connect(address, -1, 1 << 16);
    }

    /** {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting, which makes a slow reader really slow. */
    public static TestClient connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        return connect(address, receiveBuffer, 1 << 16);
    }

    /** Connects and says Hello, consuming the Welcome: an extended-protocol client. */
    public static TestClient hello(InetSocketAddress address, String name) throws IOException {
        TestClient c = connect(address);
        c.send("{\"Hello\":{\"name\":\"" + name + "\"}}");
        c.expectLine(welcome(name));
        return c;
    }

    public static String welcome(String name) {
        return "{\"Welcome\":{\"name\":\"" + name + "\",\"server\":\"parley " + parley.server.Version.current() + "\"}}";
    }

    /**
     * Connects to {@code address} (must be loopback); {@code receiveBuffer} > 0 sets SO_RCVBUF
     * before connecting, so the window advertised to the server is small from the start.
     */
    public static TestClient connect(InetSocketAddress address, int receiveBuffer, int inputBuffer) throws IOException {
        InetAddress host = address.getAddress();
        if (host == null || !host.isLoopbackAddress()) {
            throw new IllegalArgumentException("tests connect over loopback only, not " + address);
        }
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
            s.setTcpNoDelay(true);
            s.connect(address, 10_000);
            return new TestClient(s, inputBuffer);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Socket socket() {
        return socket;
    }

    // ------------------------------------------------------------------ sending

    /** Sends {@code rawLine} followed by {@code "\n"}, as UTF-8. */
    public void send(String rawLine) throws IOException {
        sendBytes((rawLine + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends each line, adding the newlines, in one write. */
    public void send(String... lines) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : lines) b.append(l).append('\n');
        sendBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void join(String group) throws IOException {
        send("{\"Join\":{\"group_name\":" + json(group) + "}}");
    }

    public void post(String group, String message) throws IOException {
        send(postLine(group, message));
    }

    public static String postLine(String group, String message) {
        return "{\"Post\":{\"group_name\":" + json(group) + ",\"message\":" + json(message) + "}}";
    }

    /** The exact line the server sends for a message. */
    public static String messageLine(String group, String message) {
        return "{\"Message\":{\"group_name\":" + json(group) + ",\"message\":" + json(message) + "}}";
    }

    /** The exact line the server sends for an error. */
    public static String errorLine(String text) {
        return "{\"Error\":" + json(text) + "}";
    }

    /** A JSON string literal, escaped as serde_json does (raw UTF-8, lower-case hex). */
    public static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Reads the next line (without its {@code '\n'}) as UTF-8, failing the test if none arrives
     * within {@code timeout} or the server closes the connection first.
     */
    public String readLine(Duration timeout) throws IOException {
        String line = readLineOrNull(timeout);
        if (line == null) {
            fail("connection closed by the server while a line was expected"
                    + (partial.size() > 0 ? " (partial line: " + partial.toString(StandardCharsets.UTF_8) + ")" : ""));
        }
        return line;
    }

    public String readLine() throws IOException {
        return readLine(READ_TIMEOUT);
    }

    /** Like {@link #readLine(Duration)} but returns null at end of stream. */
    public String readLineOrNull(Duration timeout) throws IOException {
        byte[] line = readLineBytes(timeout);
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    /**
     * Reads the next line's raw bytes, or null at end of stream (a final unterminated fragment
     * fails the test: the server always ends its lines). Fails on timeout.
     */
    public byte[] readLineBytes(Duration timeout) throws IOException {
        if (eof) return null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // Whatever is already buffered needs no socket timeout.
            int b;
            if (in.available() > 0) {
                b = in.read();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no complete line within " + timeout
                            + (partial.size() > 0 ? " (partial: " + partial.toString(StandardCharsets.UTF_8) + ")" : ""));
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                try {
                    b = in.read();
                } catch (SocketTimeoutException e) {
                    continue; // loop re-checks the deadline
                }
            }
            if (b < 0) {
                eof = true;
                if (partial.size() > 0) {
                    fail("stream ended inside a line: " + partial.toString(StandardCharsets.UTF_8));
                }
                return null;
            }
            if (b == '\n') {
                byte[] line = partial.toByteArray();
                partial.reset();
                return line;
            }
            partial.write(b);
        }
    }

    /** Reads lines up to and including the first that matches; returns all of them, in order. */
    public List<String> readUntil(Predicate<String> last, int maxLines) throws IOException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < maxLines; i++) {
            String l = readLine();
            got.add(l);
            if (last.test(l)) return got;
        }
        throw new AssertionError("no matching line within " + maxLines + " lines; last: "
                + got.subList(Math.max(0, got.size() - 5), got.size()));
    }

    /**
     * A round trip through this connection's reader: sends List and reads up to its Groups reply,
     * so everything sent before has been handled. Returns the lines read, the Groups reply last.
     */
    public List<String> sync() throws IOException {
        send("{\"List\":{}}");
        return readUntil(l -> l.startsWith("{\"Groups\":"), 1_000_000);
    }

    public static FromServer decode(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        try {
            return Codec.decodeReply(b, 0, b.length);
        } catch (ProtocolException e) {
            throw new AssertionError("unreadable reply: " + line, e);
        }
    }

    public void expectLine(String exactJson) throws IOException {
        expectLine(exactJson, READ_TIMEOUT);
    }

    public void expectLine(String exactJson, Duration timeout) throws IOException {
        assertThat(readLine(timeout)).isEqualTo(exactJson);
    }

    /** Asserts nothing at all (no byte, no end of stream) arrives within {@code d}. */
    public void expectNoLineWithin(Duration d) throws IOException {
        if (partial.size() > 0 || in.available() > 0) {
            fail("unexpected data already received: " + partial.toString(StandardCharsets.UTF_8)
                    + " (+" + in.available() + " bytes buffered)");
        }
        socket.setSoTimeout((int) Math.max(1, d.toMillis()));
        in.mark(1);
        int b;
        try {
            b = in.read();
        } catch (SocketTimeoutException e) {
            return; // nothing came: as expected
        }
        if (b < 0) {
            fail("connection closed where silence was expected");
        }
        in.reset();
        String line = readLine(Duration.ofSeconds(5));
        fail("expected no line within " + d + " but got: " + line);
    }

    /** Asserts the server closes the connection (end of stream, no further line) within {@code timeout}. */
    public void expectClosed(Duration timeout) throws IOException {
        String line = readLineOrNull(timeout);
        assertThat(line).as("expected end of stream, got a line").isNull();
    }

    public boolean isEof() {
        return eof;
    }

    // ------------------------------------------------------------------ closing

    /** Closes abruptly: SO_LINGER 0 makes the close send an RST instead of a FIN. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        close();
    }

    /** Half-closes: the server sees end of input, the client can still read. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return "TestClient" + Objects.toString(socket.getLocalSocketAddress());
    }
}
