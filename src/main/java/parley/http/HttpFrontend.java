package parley.http;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import parley.log.Log;
import parley.net.ChatServer;
import parley.server.ServerConfig;

/**
 * The HTTP listener beside the chat listener. Each feature (health, metrics, web chat) adds its
 * routes through a {@link Routes} of its own, so they stay separate classes; {@code /health} and
 * {@code /metrics} are always there.
 *
 * <p><b>Limits.</b> At most {@code --max-http-connections} connections are open at once (Helidon's
 * {@code maxTcpConnections}: further clients wait in the listen backlog, unaccepted, holding no
 * descriptor of the server). A connection that sits idle waiting for a request line for
 * {@code --http-idle-timeout} is closed (Helidon's {@code idleConnectionTimeout}, checked every
 * quarter of it; WebSockets are pinged well within it, so a quiet browser stays), and so is one
 * whose headers have not all arrived that long after its request line ({@link HeaderTimeout}:
 * Helidon has no header timeout of its own).
 *
 * <p><b>Survival.</b> Helidon's accept loop ends for good on an error such as running out of
 * descriptors ("this server socket is terminating now"). A watchdog looks every
 * {@link #WATCH_EVERY} whether the port still listens and, if it does not, starts the listener
 * again on the same port (counted in {@code parley_http_restarts_total}).
 */
public final class HttpFrontend implements AutoCloseable {

    /** A feature's routes. */
    @FunctionalInterface
    public interface Routes extends Consumer<HttpRouting.Builder> {
        /**
         * Listener-level set-up beyond HTTP routes, such as a WebSocket routing or protocol
         * settings; called before the listener starts, and again if it is started anew after it
         * died. Most features need none.
         */
        default void configure(WebServerConfig.Builder server) {}
    }

    /**
     * Helidon logs a request whose client hung up before sending it whole (or whose socket was
     * closed under it) as a WARN "Internal server error", one line per request: under a slowloris
     * that would be a line per attacking request. Those are dropped; other errors stay.
     * Held here so that the logger and its filter are not collected.
     */
    private static final java.util.logging.Logger HTTP1_LOG = quietClosedSockets();

    private static java.util.logging.Logger quietClosedSockets() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.helidon.webserver.http1.Http1Connection");
        log.setFilter(r -> !closedSocket(r.getThrown()));
        return log;
    }

    static boolean closedSocket(Throwable t) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof io.helidon.common.buffers.DataReader.InsufficientDataAvailableException
                    || t instanceof java.nio.channels.ClosedChannelException || t instanceof java.net.SocketException) {
                return true;
            }
        }
        return false;
    }

    /** How often the watchdog checks that the listener still listens. */
    static final Duration WATCH_EVERY = Duration.ofSeconds(2);

    private final ChatServer chat;
    private final String host;
    private final List<Routes> features;
    private final HeaderTimeout headers;
    /** The port bound at start, which a restart binds again. */
    private final int port;
    private volatile WebServer server;
    private volatile boolean closed;

    private HttpFrontend(ChatServer chat, String host, List<Routes> features, WebServer server, HeaderTimeout headers) {
        this.headers = headers;
        this.chat = chat;
        this.host = host;
        this.features = features;
        this.server = server;
        this.port = server.port();
    }

    /** Starts listening on {@code address} (port 0 picks a free port) with the given features. */
    public static HttpFrontend start(InetSocketAddress address, ChatServer chat, List<Routes> features) {
        HeaderTimeout headers = new HeaderTimeout(chat.config().httpIdleTimeout());
        List<Routes> all = new ArrayList<>();
        all.add(new HealthRoutes(chat));
        all.add(new MetricsRoutes(chat, headers));
        all.addAll(features);
        WebServer server = listen(address.getHostString(), address.getPort(), chat.config(), all, headers);
        HttpFrontend frontend = new HttpFrontend(chat, address.getHostString(), all, server, headers);
        Thread.ofVirtual().name("parley-http-watchdog").start(frontend::watch);
        return frontend;
    }

    private static WebServer listen(String host, int port, ServerConfig config, List<Routes> all,
                                    HeaderTimeout headers) {
        Duration idle = config.httpIdleTimeout();
        Duration period = Duration.ofMillis(Math.clamp(idle.toMillis() / 4, 50, 5000));
        WebServerConfig.Builder builder = WebServer.builder()
                .host(host)
                .port(port)
                .maxTcpConnections(config.maxHttpConnections())
                .idleConnectionTimeout(idle)
                .idleConnectionPeriod(period)
                .connectionOptions(o -> o.socketKeepAlive(true))
                .addProtocol(Http1Config.builder().addReceiveListener(headers).build())
                .routing(r -> all.forEach(f -> f.accept(r)));
        all.forEach(f -> f.configure(builder));
        WebServer server = builder.build().start();
        if (!server.isRunning() || server.port() <= 0) {
            // Helidon reports a failed bind in its log rather than by throwing.
            server.stop();
            throw new IllegalStateException("cannot listen on " + host + ":" + port);
        }
        return server;
    }

    /**
     * Until closed: closes requests whose headers are overdue (every quarter of the timeout, at
     * most a second), and restarts the listener when its port no longer listens.
     */
    private void watch() {
        long sweepMs = Math.clamp(chat.config().httpIdleTimeout().toMillis() / 4, 25, 1000);
        long lastCheck = System.nanoTime();
        try {
            while (!closed) {
                Thread.sleep(sweepMs);
                if (closed) return;
                headers.sweep();
                if (System.nanoTime() - lastCheck >= WATCH_EVERY.toNanos()) {
                    lastCheck = System.nanoTime();
                    if (!listening()) restart();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the port accepts connections: only a refused connect says no. A connect that times
     * out (the backlog full under a flood) or cannot be tried (no descriptor free) says yes.
     */
    boolean listening() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    private synchronized void restart() {
        if (closed) return;
        WebServer old = server;
        Log.warn("http.listener_died", "port", port, "action", "starting it again");
        try {
            old.stop();
        } catch (RuntimeException ignored) {
            // it is dead already
        }
        try {
            server = listen(host, port, chat.config(), features, headers);
            chat.metrics().httpRestarted();
            Log.info("http.restarted", "port", server.port());
        } catch (RuntimeException e) {
            // the port may still be held, or descriptors still short: the next check tries again
            Log.warn("http.restart_failed", "port", port, "error", e.getMessage());
        }
    }

    /** Requests closed because their headers did not arrive within the timeout. */
    public long headerTimeouts() {
        return headers.closed();
    }

    /** Stops the listener as a death would, for tests of the watchdog. */
    void killForTest() {
        server.stop();
    }

    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        closed = true;
        server.stop();
    }
}
