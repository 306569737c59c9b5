package parley.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The accept loop (the seed's {@code main}): bind, accept, and give each connection a virtual
 * thread of its own. A failure in one connection is logged with its peer and never touches the
 * others.
 */
public final class ChatServer implements AutoCloseable {
    private final ServerConfig config;
    private final GroupTable groups;
    private final ServerSocketChannel listener;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Session> names = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    private ChatServer(ServerConfig config, ServerSocketChannel listener, GroupBus bus) {
        this.config = config;
        this.listener = listener;
        this.groups = new GroupTable(config, bus);
    }

    /** Binds and starts accepting; returns once the server is listening. */
    public static ChatServer start(ServerConfig config) throws IOException {
        return start(config, GroupBus.LOCAL);
    }

    /**
     * As {@link #start(ServerConfig)}, with posts going through {@code bus} (a cluster bus, say);
     * the server closes the bus when it stops.
     */
    public static ChatServer start(ServerConfig config, GroupBus bus) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(config.address(), 4096);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + config.address() + ": " + e.getMessage(), e);
        }
        ChatServer server = new ChatServer(config, ch, bus);
        bus.start(server.groups, server::noticeAll);
        Thread.ofVirtual().name("parley-accept").start(server::acceptLoop);
        Thread.ofVirtual().name("parley-housekeeping").start(server::housekeeping);
        return server;
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            return config.address();
        }
    }

    public ServerConfig config() {
        return config;
    }

    public GroupTable groups() {
        return groups;
    }

    /** Sessions open now, over every transport. */
    public int connectionCount() {
        return sessions.size();
    }

    private void acceptLoop() {
        try {
            while (!stopping) {
                SocketChannel s;
                try {
                    s = listener.accept();
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    // Typically out of file descriptors: back off briefly rather than spin.
                    Log.warn("accept failed: " + e.getMessage());
                    Thread.sleep(50);
                    continue;
                }
                serve(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** Retires the writer threads of connections idle longer than the linger, once a second. */
    private void housekeeping() {
        long period = Math.max(100, Math.min(1000, config.writerLinger().toMillis()));
        try {
            while (!stopping) {
                Thread.sleep(period);
                long now = System.nanoTime();
                for (Session s : sessions) {
                    s.outbound().retireIfIdle(now);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(SocketChannel s) {
        try {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection c = new Connection(this, s);
            opened(c.session());
            Thread.ofVirtual().start(c);
        } catch (IOException | RuntimeException e) {
            Log.warn("could not set up a connection: " + e);
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /**
     * Opens a session for a client arriving over another transport (a WebSocket, say). The
     * transport feeds request lines to {@link Session#handle} from one thread and calls
     * {@link Session#end} when its input ends; the session writes through {@code sink}.
     *
     * @param stopInput makes the transport's reader finish, used when the server stops the session
     */
    public Session openSession(Sink sink, Runnable stopInput, String peer) {
        Session s = new Session(this, sink, stopInput, peer);
        opened(s);
        return s;
    }

    /** Registers a session of any transport; a server already stopping tells it so at once. */
    void opened(Session session) {
        sessions.add(session);
        if (stopping) {
            session.stop("server shutting down");
        }
    }

    /** Tells every session something as an Error packet, without waiting for any. */
    void noticeAll(String text) {
        byte[] line = parley.protocol.Codec.encodeError(text);
        for (Session s : sessions) {
            s.outbound().notice(line);
        }
    }

    void closed(Session session) {
        sessions.remove(session);
    }

    /** Claims a user name for a connection; false if another connection holds it. */
    boolean claimName(String name, Session c) {
        return names.putIfAbsent(name, c) == null || names.get(name) == c;
    }

    void releaseName(String name, Session c) {
        if (name != null) names.remove(name, c);
    }

    /**
     * Stops accepting, tells every client the server is shutting down, lets each connection send
     * what it has queued (bounded by the close-flush timeout), and closes them.
     */
    @Override
    public void close() {
        if (stopping) return;
        stopping = true;
        try {
            listener.close();
        } catch (IOException e) {
            Log.warn("closing the listener: " + e.getMessage());
        }
        for (Session s : sessions) {
            s.stop("server shutting down");
        }
        long deadline = System.nanoTime() + config.closeFlushTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        try {
            stopped.await(1, TimeUnit.SECONDS);
            while (!sessions.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Whatever could not finish in time (a client that never reads) is cut off now.
        for (Session s : sessions) {
            s.abort();
        }
        groups.bus().close();
    }

    public boolean isStopping() {
        return stopping;
    }
}
