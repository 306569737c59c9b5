package parley.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy that injects faults into one connection at a time, under the test's control.
 *
 * <p>Each client that connects to {@link #address()} gets a {@link Link} to the target: two
 * {@link Pipe}s, one per direction, each pumped by its own virtual thread. A pipe can, at any time:
 * <ul>
 *   <li>{@linkplain Pipe#delay delay} each chunk it reads before forwarding it;</li>
 *   <li>{@linkplain Pipe#split split} everything into one-byte writes (with TCP_NODELAY, one segment each);</li>
 *   <li>{@linkplain Pipe#stall stall}: stop reading and forwarding, so the sender's kernel buffers
 *       fill up, as with a peer that stops reading; {@linkplain Pipe#resume resume} later;</li>
 *   <li>{@linkplain Pipe#resetAfter reset} the link once it has forwarded exactly N bytes, which
 *       lands in the middle of a packet when N is chosen so.</li>
 * </ul>
 * A {@linkplain Link#reset reset} closes both sockets with SO_LINGER 0, so both peers get a TCP RST
 * rather than an orderly FIN. Everything binds to 127.0.0.1 and every thread ends on {@link #close}.
 */
public final class FaultProxy implements AutoCloseable {
    /** Client to server, or server to client. */
    public enum Direction { UPSTREAM, DOWNSTREAM }

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final LinkedBlockingQueue<Link> accepted = new LinkedBlockingQueue<>();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final int upstreamReceiveBuffer;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target, int upstreamReceiveBuffer) throws IOException {
        this.target = target;
        this.upstreamReceiveBuffer = upstreamReceiveBuffer;
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
    }

    /** A proxy to {@code target} (a loopback address). */
    public static FaultProxy start(InetSocketAddress target) throws IOException {
        return new FaultProxy(target, 0);
    }

    /**
     * As {@link #start(InetSocketAddress)}, with a small receive buffer on the proxy's socket to
     * the server, so a stalled downstream backs up into the server quickly (0: the system default).
     */
    public static FaultProxy start(InetSocketAddress target, int upstreamReceiveBuffer) throws IOException {
        return new FaultProxy(target, upstreamReceiveBuffer);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The next link a client opened, in order of connection; waits at most {@code timeout}. */
    public Link nextLink(Duration timeout) throws InterruptedException {
        Link l = accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (l == null) throw new AssertionError("no connection through the proxy within " + timeout);
        return l;
    }

    public List<Link> links() {
        return List.copyOf(links);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket server = new Socket();
                if (upstreamReceiveBuffer > 0) server.setReceiveBufferSize(upstreamReceiveBuffer);
                server.connect(target, 5000);
                Link link = new Link(client, server);
                links.add(link);
                accepted.add(link);
                link.start();
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    /** Stops accepting and resets every link. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Link l : links) l.reset();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    /** One proxied connection: a client socket, a server socket, and a pipe each way. */
    public static final class Link {
        private final Socket client;
        private final Socket server;
        private final Pipe upstream;
        private final Pipe downstream;
        private volatile boolean reset;

        Link(Socket client, Socket server) throws SocketException {
            this.client = client;
            this.server = server;
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            this.upstream = new Pipe(this, Direction.UPSTREAM, client, server);
            this.downstream = new Pipe(this, Direction.DOWNSTREAM, server, client);
        }

        void start() {
            Thread.ofVirtual().name("fault-proxy-up").start(upstream::pump);
            Thread.ofVirtual().name("fault-proxy-down").start(downstream::pump);
        }

        /** Client to server. */
        public Pipe upstream() {
            return upstream;
        }

        /** Server to client. */
        public Pipe downstream() {
            return downstream;
        }

        public Pipe pipe(Direction d) {
            return d == Direction.UPSTREAM ? upstream : downstream;
        }

        /** Delays every chunk both ways. */
        public Link delay(Duration d) {
            upstream.delay(d);
            downstream.delay(d);
            return this;
        }

        /** One-byte writes both ways. */
        public Link split(boolean on) {
            upstream.split(on);
            downstream.split(on);
            return this;
        }

        /** Stops forwarding both ways. */
        public Link stall() {
            upstream.stall();
            downstream.stall();
            return this;
        }

        public Link resume() {
            upstream.resume();
            downstream.resume();
            return this;
        }

        /** Both peers get a TCP reset now (SO_LINGER 0), whatever is in flight. */
        public void reset() {
            if (reset) return;
            reset = true;
            for (Socket s : new Socket[] {client, server}) {
                try {
                    s.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // already closed
                }
                closeQuietly(s);
            }
            upstream.wakeUp();
            downstream.wakeUp();
        }

        public boolean isReset() {
            return reset;
        }

        /** Both directions ended in order (FIN each way): close both sockets. */
        synchronized void pipeEnded() {
            if (upstream.ended && downstream.ended) {
                closeQuietly(client);
                closeQuietly(server);
            }
        }
    }

    /** One direction of a link, with its faults. All settings may change while it runs. */
    public static final class Pipe {
        private final Link link;
        private final Direction direction;
        private final Socket from;
        private final Socket to;
        private volatile long delayNanos;
        private volatile boolean split;
        private volatile boolean stalled;
        private volatile long resetAt = -1;
        private volatile long forwarded;
        private volatile long writes;
        private volatile boolean ended;

        Pipe(Link link, Direction direction, Socket from, Socket to) {
            this.link = link;
            this.direction = direction;
            this.from = from;
            this.to = to;
        }

        public Pipe delay(Duration d) {
            delayNanos = d.toNanos();
            return this;
        }

        public Pipe split(boolean on) {
            split = on;
            return this;
        }

        public Pipe stall() {
            stalled = true;
            return this;
        }

        public synchronized Pipe resume() {
            stalled = false;
            notifyAll();
            return this;
        }

        /** Resets the whole link once this pipe has forwarded exactly {@code bytes} in total. */
        public synchronized Pipe resetAfter(long bytes) {
            resetAt = bytes;
            notifyAll();
            return this;
        }

        /** Bytes forwarded so far. */
        public long forwarded() {
            return forwarded;
        }

        /** Write calls made so far (equal to {@link #forwarded} while split). */
        public long writes() {
            return writes;
        }

        /** True once this pipe has stopped: end of stream, an error, or a reset. */
        public boolean ended() {
            return ended;
        }

        public Direction direction() {
            return direction;
        }

        synchronized void wakeUp() {
            notifyAll();
        }

        private synchronized void awaitNotStalled() throws InterruptedException {
            while (stalled && !link.reset) wait(50);
        }

        void pump() {
            byte[] buf = new byte[16 * 1024];
            boolean orderly = false;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (!link.reset) {
                    awaitNotStalled();
                    int n = in.read(buf);
                    if (n < 0) {
                        to.shutdownOutput(); // pass the FIN on: an orderly half-close
                        orderly = true;
                        return;
                    }
                    long d = delayNanos;
                    if (d > 0) Thread.sleep(Duration.ofNanos(d));
                    int i = 0;
                    while (i < n) {
                        awaitNotStalled();
                        if (link.reset) return;
                        int chunk = split ? 1 : n - i;
                        long limit = resetAt;
                        if (limit >= 0) {
                            long room = limit - forwarded;
                            if (room <= 0) {
                                link.reset();
                                return;
                            }
                            chunk = (int) Math.min(chunk, room);
                        }
                        out.write(buf, i, chunk);
                        out.flush();
                        i += chunk;
                        forwarded += chunk;
                        writes++;
                    }
                    long limit = resetAt;
                    if (limit >= 0 && forwarded >= limit) {
                        link.reset();
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the other side went away, or a reset: end this pipe and the link
                link.reset();
            } finally {
                ended = true;
                if (orderly) link.pipeEnded();
            }
        }
    }
}
