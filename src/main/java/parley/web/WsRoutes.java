package parley.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import parley.http.HttpFrontend;
import parley.server.Chat;

/**
 * The browser client's routes on the HTTP listener: the chat page at {@code /} (files from the
 * classpath folder {@code web/}, served from the jar) and the WebSocket gateway at {@code /ws}; and
 * the Host check ({@link OriginPolicy}) in front of every request of the listener.
 */
public final class WsRoutes implements HttpFrontend.Routes {
    /** Where the gateway listens. */
    public static final String PATH = "/ws";
    /** How often each connection is pinged: well inside the usual proxy idle timeouts (60 s). */
    static final Duration PING_EVERY = Duration.ofSeconds(25);
    /** A connection that sends nothing, not even the answer to a ping, for this long is ended. */
    static final Duration SILENT_LIMIT = Duration.ofSeconds(60);

    private static final WsListener ROUTE_ONLY = new WsListener() {};

    private final Chat chat;
    private final OriginPolicy origins;
    private final Duration pingEvery;
    private final Duration silentLimit;
    /**
     * A text message whose first byte came this long ago and whose last has not is refused: an
     * Error, then Close 1008. It is {@code --line-timeout}, the TCP side's unfinished-line limit.
     */
    private final Duration unfinishedLimit;
    /** How often unfinished messages are looked for: a quarter of the limit, as housekeeping does on TCP. */
    private final Duration sweepEvery;
    private final Set<WsBridge> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean heartbeatStarted = new AtomicBoolean();

    /**
     * Pings every {@link #PING_EVERY}, or every third of the HTTP idle timeout if that is shorter,
     * so that the answers keep a quiet browser from Helidon's idle timeout.
     */
    public WsRoutes(Chat chat, OriginPolicy origins) {
        this(chat, origins, pingEvery(chat.config().httpIdleTimeout()), SILENT_LIMIT);
    }

    static Duration pingEvery(Duration httpIdleTimeout) {
        Duration third = httpIdleTimeout.dividedBy(3);
        return third.compareTo(PING_EVERY) < 0 ? third : PING_EVERY;
    }

    WsRoutes(Chat chat, OriginPolicy origins, Duration pingEvery, Duration silentLimit) {
        this.chat = chat;
        this.origins = origins;
        this.pingEvery = pingEvery;
        this.silentLimit = silentLimit;
        this.unfinishedLimit = chat.config().lineTimeout();
        // Between 50 ms and 1 s, as Chat's housekeeping, and never less often than the pings.
        Duration quarter = Duration.ofMillis(Math.clamp(unfinishedLimit.toMillis() / 4, 50, 1000));
        this.sweepEvery = quarter.compareTo(pingEvery) < 0 ? quarter : pingEvery;
    }

    /**
     * The page loads nothing but its own files and talks only to its own server; it may not be
     * framed by another site (so a click cannot be stolen), and sends no referrer anywhere.
     */
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Override
    public void accept(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            // Every request, /health and /metrics too: a name that is not ours is DNS rebinding.
            String host = req.headers().contains(HeaderNames.HOST) ? req.headers().get(HeaderNames.HOST).get() : null;
            if (!origins.hostAllowed(host, (InetSocketAddress) req.localPeer().address())) {
                res.status(Status.MISDIRECTED_REQUEST_421).send("Host not served here: see --web-host\n");
                return;
            }
            String path = req.path().path();
            if (path.equals("/") || path.equals("/index.html")) {
                res.header("Content-Security-Policy", PAGE_POLICY);
                res.header("X-Content-Type-Options", "nosniff");
                res.header("Referrer-Policy", "no-referrer");
            }
            chain.proceed();
        });
        routing.register("/", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location("web")
                .context("/")
                .welcome("index.html")
                .build()));
    }

    @Override
    public void configure(WebServerConfig.Builder server) {
        int maxLine = chat.config().maxLineBytes();
        // Frames are read by FrameConnection, which checks each frame's length against the line
        // limit from its header; Helidon's own frame limit is not used.
        WsConfig ws = WsConfig.builder().build();
        Http1Config http1 = server.protocols().stream()
                .filter(Http1Config.class::isInstance)
                .map(Http1Config.class::cast)
                .findFirst()
                .orElseGet(Http1Config::create);
        server.addProtocol(ws);
        // A WebSocket keeps its HTTP connection's socket for as long as it is open, mostly idle.
        // Helidon's default NIO socket holds two 8 KiB ByteBuffers (read and write) for its whole
        // life; the blocking socket holds one 8 KiB read array and writes straight from the
        // frame's bytes: 8 KiB less per idle WebSocket (docs/performance.md, "Where an idle
        // WebSocket connection's memory goes"). Both park the connection's virtual thread alike.
        server.useNio(false);
        // This selector comes before the one Helidon finds on its own, so HTTP/1 connections use
        // it, and with it the upgrader that applies OriginPolicy and runs FrameConnection (see
        // GatewayUpgrader).
        server.addConnectionSelector(Http1ConnectionSelector.builder()
                .config(http1)
                .upgraders(Map.of("websocket", new GatewayUpgrader(ws, origins,
                        ctx -> new FrameConnection(ctx, new WsBridge(chat, live), maxLine, chat.budgets().fragments()))))
                .build());
        // The route only tells Helidon's upgrader that /ws takes WebSocket upgrades; the listener
        // it names is never called (GatewayUpgrader makes each connection's WsBridge).
        server.addRouting(WsRouting.builder().endpoint(PATH, ROUTE_ONLY));
        if (heartbeatStarted.compareAndSet(false, true)) {
            Thread.ofVirtual().name("parley-ws-heartbeat").start(this::heartbeat);
        }
    }

    /**
     * A sweep over the open connections for unfinished messages every {@link #sweepEvery}, and a
     * heartbeat (pings, silent connections) every {@code pingEvery}, until the chat server stops.
     */
    private void heartbeat() {
        try {
            long lastBeat = System.nanoTime();
            while (!chat.isStopping()) {
                Thread.sleep(sweepEvery);
                long now = System.nanoTime();
                boolean beat = now - lastBeat >= pingEvery.toNanos();
                if (beat) lastBeat = now;
                for (WsBridge b : live) {
                    b.checkUnfinished(now, unfinishedLimit);
                    if (beat) b.heartbeat(now, silentLimit);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
