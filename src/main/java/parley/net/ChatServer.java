package parley.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import parley.auth.AuthTokens;
import parley.log.Log;
import parley.server.Chat;
import parley.server.GroupBus;
import parley.server.GroupTable;
import parley.server.Metrics;
import parley.server.ServerConfig;

/**
 * A chat served over TCP (the seed's {@code main}): the {@link Chat} plus a listener that binds,
 * accepts, and gives each connection a virtual thread of its own. A failure in one connection is
 * logged with its peer and never touches the others. Other transports (the WebSocket gateway)
 * open their sessions on {@link #chat()}.
 */
public final class ChatServer implements AutoCloseable {
    private final Chat chat;
    private final ServerSocketChannel listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final SSLContext tls;
    /**
     * Where plain connections with nothing to read wait without a thread; null where unavailable,
     * or when the idle-readers setting is off.
     */
    private final IdleReaders idleReaders;

    private ChatServer(Chat chat, ServerSocketChannel listener, SSLContext tls) {
        this.chat = chat;
        this.listener = listener;
        this.tls = tls;
        this.idleReaders = chat.config().idleReaders() ? IdleReaders.start() : null;
    }

    /** Binds and starts accepting plain TCP without authentication; returns once the server is listening. */
    public static ChatServer start(ServerConfig config) throws IOException {
        return start(config, GroupBus.LOCAL, null, null);
    }

    /**
     * As {@link #start(ServerConfig)}, with posts going through {@code bus} (a cluster bus, say);
     * the server closes the bus when it stops.
     */
    public static ChatServer start(ServerConfig config, GroupBus bus) throws IOException {
        return start(config, bus, null, null);
    }

    /** As {@link #start(ServerConfig, GroupBus, SSLContext, AuthTokens)} on a single server. */
    public static ChatServer start(ServerConfig config, SSLContext tls, AuthTokens auth) throws IOException {
        return start(config, GroupBus.LOCAL, tls, auth);
    }

    /**
     * Binds and starts accepting; returns once the server is listening.
     *
     * @param bus  how posts reach the group rings: {@link GroupBus#LOCAL}, or a cluster bus
     * @param tls  makes the listener speak TLS only; null for plain TCP
     * @param auth makes every session authenticate first, over every transport; null for none
     */
    public static ChatServer start(ServerConfig config, GroupBus bus, SSLContext tls, AuthTokens auth)
            throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(config.address(), 4096);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + config.address() + ": " + e.getMessage(), e);
        }
        ChatServer server = new ChatServer(Chat.start(config, bus, auth), ch, tls);
        Thread.ofVirtual().name("parley-accept").start(server::acceptLoop);
        return server;
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            return chat.config().address();
        }
    }

    /** The chat this listener serves, for other transports and for the HTTP side. */
    public Chat chat() {
        return chat;
    }

    public ServerConfig config() {
        return chat.config();
    }

    public GroupTable groups() {
        return chat.groups();
    }

    /** The server's counters. */
    public Metrics metrics() {
        return chat.metrics();
    }

    public boolean tlsEnabled() {
        return tls != null;
    }

    /** Sessions open now, over every transport, not counting any being refused at the limit. */
    public int connectionCount() {
        return chat.connectionCount();
    }

    public boolean isStopping() {
        return chat.isStopping();
    }

    /** Connections waiting for input without a reader thread (see {@link IdleReaders}). */
    public int idleConnectionCount() {
        return idleReaders == null ? 0 : idleReaders.size();
    }

    /** The idle set, or null where there is none (tests look into it). */
    IdleReaders idleReaders() {
        return idleReaders;
    }

    private void acceptLoop() {
        try {
            while (!chat.isStopping()) {
                SocketChannel s;
                try {
                    s = listener.accept();
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    // Typically out of file descriptors: back off briefly rather than spin.
                    Log.warn("accept.failed", "error", e.getMessage());
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

    private void serve(SocketChannel s) {
        try {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection c = new Connection(chat, s, tls, idleReaders);
            chat.opened(c.session());
            Thread.ofVirtual().name(Connection.READER_THREAD).start(c);
        } catch (IOException | RuntimeException e) {
            Log.warn("connection.setup_failed", "error", e.toString());
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /**
     * Stops accepting, then stops the chat (every client is told and gets what was queued for it,
     * bounded by the close-flush timeout), then the idle set.
     */
    @Override
    public void close() {
        if (chat.isStopping()) return;
        try {
            listener.close();
        } catch (IOException e) {
            Log.warn("listener.close_failed", "error", e.getMessage());
        }
        try {
            stopped.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        chat.close();
        if (idleReaders != null) idleReaders.close();
    }
}
