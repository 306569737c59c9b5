package parley.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import parley.net.ChatServer;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.protocol.ProtocolException;

/**
 * The protocol client of the tests: a real loopback socket, exact bytes out, lines (or decoded
 * replies) in, every read bounded by a timeout so a test fails rather than hangs.
 *
 * <p>By default the test's own thread reads the socket, so a client that is not read is really
 * slow (with a small {@code SO_RCVBUF} from {@link #connect(InetSocketAddress, int)}, the server's
 * writer soon blocks). {@link #readInBackground()} instead starts a thread that takes everything
 * the server sends at once and keeps it, byte for byte ({@link #bytes()}), for tests that need a
 * member that never falls behind, or what arrived while the test was doing something else.
 */
public final class TestClient implements AutoCloseable {
    /** Generous per-read default for tests that just expect the next line. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    private static final int TIMED_OUT = -2;
    /** Bounds on what one client takes in: the longest line, the most lines to the end, the most bytes kept. */
    private static final int MAX_LINE = 64 << 20, MAX_LINES = 1_000_000, MAX_KEPT = 256 << 20;
    private static final byte[] NO_LINE_YET = new byte[0];

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** What has been read from the socket (or taken from the background reader) and not yet consumed: buf[pos, lim). */
    private final byte[] buf;
    private int pos;
    private int lim;
    /** Holds a partial line across a timed-out read, so no byte is ever lost. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream(128);
    private boolean eof;
    private Duration readTimeout = READ_TIMEOUT;
    /** Set once {@link #readInBackground()} has started the reading thread. */
    private volatile Pump pump;

    private TestClient(Socket socket, int inputBuffer) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.buf = new byte[inputBuffer];
    }

    // ------------------------------------------------------------------ connecting

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

    /**
     * Connects to {@code address} (must be loopback); {@code receiveBuffer} > 0 sets SO_RCVBUF
     * before connecting, so the window advertised to the server is small from the start;
     * {@code inputBuffer} is this client's own buffer in front of the socket.
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

    /** The Welcome that answered {@link #hello}, or null. */
    private FromServer.Welcome welcome;

    public FromServer.Welcome welcome() {
        return welcome;
    }

    /** Connects and says Hello, consuming the exact Welcome: an extended-protocol client. */
    public static TestClient hello(InetSocketAddress address, String name) throws IOException {
        TestClient c = connect(address);
        try {
            c.send("{\"Hello\":{\"name\":" + json(name) + "}}");
            String line = c.readLine();
            FromServer p = decode(line);
            assertThat(p).as("the answer to Hello: %s", line).isInstanceOf(FromServer.Welcome.class);
            c.welcome = (FromServer.Welcome) p;
            String epoch = c.welcome.epoch() == null ? "" : ",\"epoch\":" + json(c.welcome.epoch());
            assertThat(line).isEqualTo(welcome(name).replace("\"}}", "\"" + epoch + "}}"));
            return c;
        } catch (IOException | RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /**
     * From now on a thread reads everything the server sends as soon as it comes, keeping it in
     * memory; the read methods take from there. Returns this client.
     */
    public synchronized TestClient readInBackground() throws IOException {
        if (pump == null) {
            socket.setSoTimeout(0);
            Pump p = new Pump();
            pump = p;
            p.thread = Thread.ofVirtual().name("test-client-reader").start(p::run);
        }
        return this;
    }

    /** How long {@link #readLine()} and the other reads without a timeout of their own wait. */
    public TestClient readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    public Socket socket() {
        return socket;
    }

    // ------------------------------------------------------------------ sending

    /** Sends {@code rawLine} followed by {@code "\n"}, as UTF-8. */
    public TestClient send(String rawLine) throws IOException {
        return sendBytes((rawLine + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends each line, adding the newlines, in one write. */
    public TestClient send(String... lines) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : lines) b.append(l).append('\n');
        return sendBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request as the codec encodes it (one line). */
    public TestClient send(FromClient request) throws IOException {
        return sendBytes(Codec.encode(request));
    }

    /** Sends {@code text} as UTF-8, exactly: no newline added. */
    public TestClient sendRaw(String text) throws IOException {
        return sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public TestClient sendBytes(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
        return this;
    }

    public TestClient join(String group) throws IOException {
        return send("{\"Join\":{\"group_name\":" + json(group) + "}}");
    }

    /** Joins asking for the last {@code history} messages. */
    public TestClient join(String group, long history) throws IOException {
        return send(new FromClient.Join(group, history));
    }

    public TestClient post(String group, String message) throws IOException {
        return send(postLine(group, message));
    }

    /** Asks for up to {@code limit} messages after seq {@code after} (the newest, if {@code after} < 0). */
    public TestClient fetch(String group, long after, long limit) throws IOException {
        return send(new FromClient.Fetch(group, after < 0 ? OptionalLong.empty() : OptionalLong.of(after), limit));
    }

    // ------------------------------------------------------------------ exact lines

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

    /** The exact Welcome this server sends to {@code name}. */
    public static String welcome(String name) {
        return "{\"Welcome\":{\"name\":" + json(name) + ",\"server\":\"parley " + parley.server.Version.current() + "\"}}";
    }

    /** An Error reply, as {@link #nextReply} decodes it. */
    public static FromServer.Error error(String text) {
        return new FromServer.Error(text);
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

    public static FromServer decode(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        try {
            return Codec.decodeReply(b, 0, b.length);
        } catch (ProtocolException e) {
            throw new AssertionError("unreadable reply: " + line, e);
        }
    }

    // ------------------------------------------------------------------ reading lines

    /**
     * Makes sure some unread input is in {@link #buf}: 1 when there is, -1 at end of stream,
     * {@link #TIMED_OUT} once {@code deadline} has passed with nothing to read.
     */
    private int fill(long deadline) throws IOException {
        if (pos < lim) return 1;
        Pump p = pump;
        if (p != null) {
            int n = p.take(buf, deadline);
            if (n <= 0) return n;
            pos = 0;
            lim = n;
            return 1;
        }
        while (true) {
            // Whatever has already arrived is taken even after the deadline.
            boolean arrived = in.available() > 0;
            long left = deadline - System.nanoTime();
            if (!arrived && left <= 0) return TIMED_OUT;
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            try {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) return -1;
                pos = 0;
                lim = n;
                if (n > 0) return 1;
            } catch (SocketTimeoutException e) {
                // loop re-checks the deadline
            }
        }
    }

    /** Bytes received and not yet consumed, as far as is known without waiting. */
    private int buffered() throws IOException {
        Pump p = pump;
        return lim - pos + (p != null ? p.available() : in.available());
    }

    /**
     * The next line's bytes, without its {@code '\n'}; null at end of stream; {@link #NO_LINE_YET}
     * if {@code deadline} passes first (what came of the line is kept for the next read). A final
     * fragment without a newline is returned as the last line if {@code fragmentIsALine}, else it
     * fails the test: the server always ends its lines.
     */
    private byte[] line(long deadline, boolean fragmentIsALine) throws IOException {
        if (eof) return null;
        while (true) {
            int f = fill(deadline);
            if (f == TIMED_OUT) return NO_LINE_YET;
            if (f < 0) {
                eof = true;
                if (partial.size() > 0) {
                    if (!fragmentIsALine) fail("stream ended inside a line: " + partialText());
                    byte[] fragment = partial.toByteArray();
                    partial.reset();
                    return fragment;
                }
                return null;
            }
            int end = pos;
            while (end < lim && buf[end] != '\n') end++;
            if (partial.size() + (end - pos) > MAX_LINE) fail("a line longer than " + MAX_LINE + " bytes");
            partial.write(buf, pos, end - pos);
            if (end < lim) {
                pos = end + 1;
                byte[] line = partial.toByteArray();
                partial.reset();
                if (!seePresence && isPresence(line)) continue;
                return line;
            }
            pos = lim;
        }
    }

    /**
     * Whether this client is shown Joined and Left lines; by default they are skipped, so a test
     * about something else does not depend on who else joined (PresenceTest turns them on).
     */
    private boolean seePresence;

    /** Shows this client the Joined and Left lines from now on. Returns this client. */
    public TestClient seePresence() {
        seePresence = true;
        return this;
    }

    private static boolean isPresence(byte[] line) {
        return startsWith(line, "{\"Joined\":") || startsWith(line, "{\"Left\":");
    }

    private static boolean startsWith(byte[] line, String prefix) {
        if (line.length < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) if (line[i] != prefix.charAt(i)) return false;
        return true;
    }

    private String partialText() {
        return partial.toString(StandardCharsets.UTF_8);
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * Reads the next line's raw bytes, or null at end of stream (a final unterminated fragment
     * fails the test: the server always ends its lines). Fails on timeout.
     */
    public byte[] readLineBytes(Duration timeout) throws IOException {
        byte[] line = line(deadline(timeout), false);
        if (line == NO_LINE_YET) {
            throw new AssertionError("no complete line within " + timeout
                    + (partial.size() > 0 ? " (partial: " + partialText() + ")" : ""));
        }
        return line;
    }

    /** Like {@link #readLine(Duration)} but returns null at end of stream. */
    public String readLineOrNull(Duration timeout) throws IOException {
        byte[] line = readLineBytes(timeout);
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    /**
     * Reads the next line (without its {@code '\n'}) as UTF-8, failing the test if none arrives
     * within {@code timeout} or the server closes the connection first.
     */
    public String readLine(Duration timeout) throws IOException {
        String line = readLineOrNull(timeout);
        if (line == null) {
            fail("connection closed by the server while a line was expected"
                    + (partial.size() > 0 ? " (partial line: " + partialText() + ")" : ""));
        }
        return line;
    }

    /** The next line, within the read timeout (20 s unless {@link #readTimeout} changed it). */
    public String readLine() throws IOException {
        return readLine(readTimeout);
    }

    /** Exactly the next {@code n} lines, all within the read timeout. */
    public List<String> readLines(int n) throws IOException {
        return readLines(n, readTimeout);
    }

    /** Exactly the next {@code n} lines; fails if they do not all arrive within {@code timeout}. */
    public List<String> readLines(int n, Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        List<String> got = new ArrayList<>(n);
        while (got.size() < n) {
            byte[] line = line(deadline, false);
            if (line == null || line == NO_LINE_YET) {
                throw new AssertionError("got " + got.size() + " of " + n + " lines within " + timeout
                        + (line == null ? " (then the end of the stream)" : "")
                        + (got.isEmpty() ? "" : "; last: " + got.getLast()));
            }
            got.add(new String(line, StandardCharsets.UTF_8));
        }
        return got;
    }

    /** The next line, or null if none comes within {@code timeout} (or the stream has ended). */
    public String nextLine(Duration timeout) throws IOException {
        byte[] line = line(deadline(timeout), false);
        return line == null || line == NO_LINE_YET ? null : new String(line, StandardCharsets.UTF_8);
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

    /**
     * Every line until the server closes; a reset counts as the close, and a final fragment
     * without a newline as the last line. Each line must come within the read timeout.
     */
    public List<String> readToEnd() throws IOException {
        List<String> lines = new ArrayList<>();
        try {
            while (true) {
                if (lines.size() >= MAX_LINES) fail("no end of stream after " + MAX_LINES + " lines");
                byte[] line = line(deadline(readTimeout), true);
                if (line == null) return lines;
                if (line == NO_LINE_YET) {
                    throw new AssertionError("the server did not close within " + readTimeout + " after "
                            + lines.size() + " lines" + (partial.size() > 0 ? " (partial: " + partialText() + ")" : ""));
                }
                lines.add(new String(line, StandardCharsets.UTF_8));
            }
        } catch (SocketException e) {
            eof = true; // connection reset: the end, as far as the test is concerned
            return lines;
        }
    }

    /**
     * True if the server closes (end of stream, or a reset) within the read timeout with nothing
     * more to read; false if a line or a fragment comes instead, or nothing at all.
     */
    public boolean closedByServer() throws IOException {
        try {
            return line(deadline(readTimeout), true) == null;
        } catch (SocketException e) {
            eof = true;
            return true;
        }
    }

    public void expectLine(String exactJson) throws IOException {
        expectLine(exactJson, READ_TIMEOUT);
    }

    /**
     * Asserts the next line is {@code exactJson}; a {@code Message}'s {@code ts} (the server's
     * clock) is compared only when {@code exactJson} gives one.
     */
    public void expectLine(String exactJson, Duration timeout) throws IOException {
        String line = readLine(timeout);
        if (!exactJson.contains("\"epoch\":")) line = withoutEpoch(line);
        assertThat(exactJson.contains("\"ts\":") ? line : withoutTs(line)).isEqualTo(exactJson);
    }

    private static final java.util.regex.Pattern EPOCH = java.util.regex.Pattern.compile(",\"epoch\":\"[^\"]*\"");

    /** {@code line} without a Welcome's {@code epoch} (a server's own random name for its seqs). */
    public static String withoutEpoch(String line) {
        if (line == null || !line.startsWith("{\"Welcome\"")) return line;
        return EPOCH.matcher(line).replaceFirst("");
    }

    private static final java.util.regex.Pattern TS = java.util.regex.Pattern.compile(",\"ts\":[0-9]+(?=}})");

    /**
     * {@code line} without a Message's {@code ts} field (the server's clock, which a test cannot
     * predict), checking first that the time is a plausible one: within a day of now.
     */
    public static String withoutTs(String line) {
        if (line == null || !line.startsWith("{\"Message\"")) return line;
        java.util.regex.Matcher m = TS.matcher(line);
        if (!m.find()) return line;
        long ts = Long.parseLong(m.group().substring(6));
        assertThat(Math.abs(System.currentTimeMillis() - ts)).as("ts of %s", line).isLessThan(86_400_000L);
        return line.substring(0, m.start()) + line.substring(m.end());
    }

    /** Asserts nothing at all (no byte, no end of stream) arrives within {@code d}. */
    public void expectNoLineWithin(Duration d) throws IOException {
        int waiting = buffered();
        if (partial.size() > 0 || waiting > 0) {
            String line = nextLine(Duration.ofSeconds(5));
            fail("unexpected data already received: " + (line != null ? line : partialText())
                    + " (" + waiting + " bytes were waiting)");
        }
        int f = fill(deadline(d));
        if (f == TIMED_OUT) return; // nothing came: as expected
        if (f < 0) fail("connection closed where silence was expected");
        String line = readLine(Duration.ofSeconds(5));
        fail("expected no line within " + d + " but got: " + line);
    }

    /** Asserts the server closes the connection (end of stream, no further line) within {@code timeout}. */
    public void expectClosed(Duration timeout) throws IOException {
        String line = readLineOrNull(timeout);
        assertThat(line).as("expected end of stream, got a line").isNull();
    }

    /** Whether this client has read the end of the stream. */
    public boolean isEof() {
        return eof;
    }

    // ------------------------------------------------------------------ decoded replies

    /** The next reply, decoded; null if none comes within {@code timeout} (or the stream has ended). */
    public FromServer nextReply(Duration timeout) throws IOException {
        String line = nextLine(timeout);
        return line == null ? null : decode(line);
    }

    /** The next {@code n} Message packets within {@code timeout}, skipping the Fetched summaries that end a history; anything else fails. */
    public List<FromServer.Message> messages(int n, Duration timeout) throws IOException {
        List<FromServer.Message> got = new ArrayList<>();
        long deadline = deadline(timeout);
        while (got.size() < n) {
            byte[] line = line(deadline, false);
            if (line == null || line == NO_LINE_YET) {
                throw new AssertionError("got " + got.size() + " of " + n + " messages in time; last: " + brief(got));
            }
            FromServer r = decode(new String(line, StandardCharsets.UTF_8));
            if (r instanceof FromServer.Fetched) continue; // the end of a history: a test of it reads lines
            if (!(r instanceof FromServer.Message m)) {
                throw new AssertionError("expected a message, got " + r + " after " + got.size() + "; last: " + brief(got));
            }
            got.add(m);
        }
        return got;
    }

    /** Replies until one satisfies {@code last} (inclusive), bounded by {@code timeout}. */
    public List<FromServer> until(Predicate<FromServer> last, Duration timeout) throws IOException {
        List<FromServer> got = new ArrayList<>();
        long deadline = deadline(timeout);
        while (true) {
            byte[] line = line(deadline, false);
            if (line == null || line == NO_LINE_YET) {
                throw new AssertionError("nothing matched in time; got " + got.size() + ", last: " + brief(got));
            }
            FromServer r = decode(new String(line, StandardCharsets.UTF_8));
            got.add(r);
            if (last.test(r)) return got;
        }
    }

    /** Every reply until none comes for {@code quiet} (at most 100,000). */
    public List<FromServer> drain(Duration quiet) throws IOException {
        List<FromServer> got = new ArrayList<>();
        FromServer r;
        while (got.size() < 100_000 && (r = nextReply(quiet)) != null) got.add(r);
        return got;
    }

    private static String brief(List<?> got) {
        String s = got.subList(Math.max(0, got.size() - 3), got.size()).toString();
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }

    // ------------------------------------------------------------------ reading in the background

    /** Everything received since {@link #readInBackground()}, byte for byte. */
    public byte[] bytes() {
        return background("bytes()").all();
    }

    /** Complete lines received and not yet read (reading in the background only). */
    public int linesQueued() {
        int n = background("linesQueued()").linesQueued();
        for (int i = pos; i < lim; i++) if (buf[i] == '\n') n++;
        return n;
    }

    /** True once the server has closed the connection (or it was reset). */
    public boolean ended() {
        Pump p = pump;
        return p != null ? p.ended() : eof;
    }

    /** What ended the background reading if it was not a clean end of stream; null otherwise. */
    public IOException failure() {
        return background("failure()").failure();
    }

    private Pump background(String what) {
        Pump p = pump;
        if (p == null) throw new IllegalStateException(what + " needs readInBackground()");
        return p;
    }

    /** Takes everything from the socket as it comes; the test's reads take from here. */
    private final class Pump {
        private byte[] store = new byte[1 << 14];
        private int len;
        /** How much of {@link #store} the test has taken. */
        private int taken;
        private boolean ended;
        private IOException failure;
        Thread thread;

        void run() {
            byte[] chunk = new byte[8192];
            try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (this) {
                        if (len + n > MAX_KEPT) throw new IOException("more than " + MAX_KEPT + " bytes received");
                        if (len + n > store.length) store = Arrays.copyOf(store, Math.max(store.length * 2, len + n));
                        System.arraycopy(chunk, 0, store, len, n);
                        len += n;
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                }
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        /** Up to {@code into.length} bytes into {@code into}: how many, -1 at end of stream, or {@link #TIMED_OUT}. */
        synchronized int take(byte[] into, long deadline) throws InterruptedIOException {
            while (taken == len && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return TIMED_OUT;
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a line");
                }
            }
            if (taken == len) return -1;
            int n = Math.min(into.length, len - taken);
            System.arraycopy(store, taken, into, 0, n);
            taken += n;
            return n;
        }

        synchronized int available() {
            return len - taken;
        }

        synchronized byte[] all() {
            return Arrays.copyOf(store, len);
        }

        synchronized int linesQueued() {
            int n = 0;
            for (int i = taken; i < len; i++) if (store[i] == '\n') n++;
            return n;
        }

        synchronized boolean ended() {
            return ended;
        }

        synchronized IOException failure() {
            return failure;
        }
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
        Pump p = pump;
        if (p != null && p.thread != null) {
            try {
                p.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "TestClient" + Objects.toString(socket.getLocalSocketAddress());
    }
}
