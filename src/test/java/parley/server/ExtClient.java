package parley.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;

/**
 * A blocking loopback client for the extension tests: writes raw request lines and reads raw reply
 * lines, so tests can compare exact bytes. Every read is bounded by a socket timeout, so a missing
 * reply fails the test instead of hanging it.
 */
final class ExtClient implements AutoCloseable {
    /** How long one read waits before the test fails; generous for a loaded 2-core machine. */
    static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private ExtClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.out = socket.getOutputStream();
    }

    static ExtClient connect(InetSocketAddress address) throws IOException {
        return connect(address, 0);
    }

    /** {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting, which makes a slow reader really slow. */
    static ExtClient connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.connect(address, READ_TIMEOUT_MILLIS);
        return new ExtClient(s);
    }

    /** Connects and says Hello, consuming the Welcome. */
    static ExtClient hello(InetSocketAddress address, String name) throws IOException {
        ExtClient c = connect(address);
        c.send("{\"Hello\":{\"name\":\"" + name + "\"}}");
        c.expect(welcome(name));
        return c;
    }

    static String welcome(String name) {
        return "{\"Welcome\":{\"name\":\"" + name + "\",\"server\":\"parley " + parley.Main.version() + "\"}}";
    }

    static String error(String text) {
        return new String(Codec.encodeError(text), UTF_8).stripTrailing();
    }

    /** Sends each line, adding the newline. */
    void send(String... lines) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : lines) b.append(l).append('\n');
        out.write(b.toString().getBytes(UTF_8));
        out.flush();
    }

    /**
     * The next reply line, without its newline; fails on timeout or end of stream. A carriage
     * return would stay in the line, so exact comparisons also check the terminator.
     */
    String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        while (true) {
            int c;
            try {
                c = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no reply within " + READ_TIMEOUT_MILLIS + " ms; partial line: "
                        + b.toString(UTF_8), e);
            }
            if (c < 0) throw new AssertionError("server closed the connection; partial line: " + b.toString(UTF_8));
            if (c == '\n') return b.toString(UTF_8);
            b.write(c);
        }
    }

    /** Reads the next line and checks it is exactly {@code expected}. */
    void expect(String expected) throws IOException {
        String got = line();
        if (!got.equals(expected)) {
            throw new AssertionError("expected reply\n  " + expected + "\nbut got\n  " + got);
        }
    }

    /** Reads lines up to and including the first that matches; returns all of them, in order. */
    List<String> readUntil(Predicate<String> last, int maxLines) throws IOException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < maxLines; i++) {
            String l = line();
            got.add(l);
            if (last.test(l)) return got;
        }
        throw new AssertionError("no matching line within " + maxLines + " lines; last: "
                + got.subList(Math.max(0, got.size() - 5), got.size()));
    }

    /**
     * A round trip through this connection's reader: sends List and reads up to its Groups reply.
     * Everything this connection sent before has been handled when it returns. Returns the lines
     * read before the Groups reply, which is the last element.
     */
    List<String> sync() throws IOException {
        send("{\"List\":{}}");
        return readUntil(l -> l.startsWith("{\"Groups\":"), 1_000_000);
    }

    static FromServer decode(String line) {
        byte[] b = line.getBytes(UTF_8);
        try {
            return Codec.decodeReply(b, 0, b.length);
        } catch (ProtocolException e) {
            throw new AssertionError("unreadable reply: " + line, e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
