package parley.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import parley.protocol.Codec;
import parley.protocol.FromClient;
import parley.protocol.FromServer;
import parley.protocol.LineReader;

/** A protocol client for the cluster tests: requests out, every reply decoded into a queue. */
final class Peer implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final LinkedBlockingQueue<FromServer> replies = new LinkedBlockingQueue<>();
    private final Thread reader;

    private Peer(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        reader = Thread.ofVirtual().start(() -> {
            try {
                LineReader lines = new LineReader(java.nio.channels.Channels.newChannel(in), 4096, 1 << 22);
                while (lines.next()) {
                    if (lines.lineIsBlank()) continue;
                    replies.add(Codec.decodeReply(lines.array(), lines.lineStart(), lines.lineLength()));
                }
            } catch (Exception e) {
                // closed
            }
        });
    }

    /** Connects and says Hello as {@code name}, waiting for the Welcome. */
    static Peer hello(InetSocketAddress address, String name) throws IOException, InterruptedException {
        Peer p = new Peer(address);
        p.send(new FromClient.Hello(name));
        FromServer w = p.next(Duration.ofSeconds(10));
        if (!(w instanceof FromServer.Welcome)) throw new IOException("expected Welcome, got " + w);
        return p;
    }

    synchronized void send(FromClient request) throws IOException {
        out.write(Codec.encode(request));
        out.flush();
    }

    void join(String group) throws IOException {
        send(new FromClient.Join(group));
    }

    void join(String group, long history) throws IOException {
        send(new FromClient.Join(group, history));
    }

    void post(String group, String message) throws IOException {
        send(new FromClient.Post(group, message));
    }

    void fetch(String group, long after, long limit) throws IOException {
        send(new FromClient.Fetch(group, after < 0 ? OptionalLong.empty() : OptionalLong.of(after), limit));
    }

    /** The next reply, or null after the timeout. */
    FromServer next(Duration timeout) throws InterruptedException {
        return replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next {@code n} Message packets (skipping nothing else: anything else fails). */
    List<FromServer.Message> messages(int n, Duration timeout) throws InterruptedException {
        List<FromServer.Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < n) {
            long left = deadline - System.nanoTime();
            FromServer r = left > 0 ? replies.poll(left, TimeUnit.NANOSECONDS) : null;
            if (r == null) throw new AssertionError("got " + got.size() + " of " + n + " messages in time; last: " + brief(got));
            if (!(r instanceof FromServer.Message m)) {
                throw new AssertionError("expected a message, got " + r + " after " + got.size() + "; last: " + brief(got));
            }
            got.add(m);
        }
        return got;
    }

    private static String brief(List<?> got) {
        String s = got.subList(Math.max(0, got.size() - 3), got.size()).toString();
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }

    /** Replies until one satisfies {@code last} (inclusive), bounded by the timeout. */
    List<FromServer> until(java.util.function.Predicate<FromServer> last, Duration timeout) throws InterruptedException {
        List<FromServer> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            FromServer r = left > 0 ? replies.poll(left, TimeUnit.NANOSECONDS) : null;
            if (r == null) throw new AssertionError("nothing matched in time; got " + got.size() + ", last: " + brief(got));
            got.add(r);
            if (last.test(r)) return got;
        }
    }

    /** Nothing more arrives within {@code quiet}. */
    List<FromServer> drain(Duration quiet) throws InterruptedException {
        List<FromServer> got = new ArrayList<>();
        FromServer r;
        while ((r = replies.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) got.add(r);
        return got;
    }

    static FromServer.Error error(String text) {
        return new FromServer.Error(text);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        reader.interrupt();
    }
}
