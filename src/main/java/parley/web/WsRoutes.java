package parley.web;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import java.util.Map;
import parley.http.HttpFrontend;
import parley.server.ChatServer;

/**
 * The browser client's routes on the HTTP listener: the chat page at {@code /} (files from the
 * classpath folder {@code web/}, served from the jar) and the WebSocket gateway at {@code /ws}.
 */
public final class WsRoutes implements HttpFrontend.Routes {
    /** Where the gateway listens. */
    public static final String PATH = "/ws";
    /**
     * How far past the message limit a single frame may go and still be read, so that it can be
     * answered with an Error before the close; a frame larger than that is refused by Helidon while
     * reading (close code 1009) without reading it into memory.
     */
    static final int FRAME_SLACK = 64 * 1024;

    private final ChatServer chat;
    private final OriginPolicy origins;

    public WsRoutes(ChatServer chat, OriginPolicy origins) {
        this.chat = chat;
        this.origins = origins;
    }

    @Override
    public void accept(HttpRouting.Builder routing) {
        routing.register("/", StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location("web")
                .context("/")
                .welcome("index.html")
                .build()));
    }

    @Override
    public void configure(WebServerConfig.Builder server) {
        int maxLine = chat.config().maxLineBytes();
        WsConfig ws = WsConfig.builder()
                .maxFrameLength((int) Math.min(Integer.MAX_VALUE - 16, (long) maxLine + 2 + FRAME_SLACK))
                .build();
        Http1Config http1 = server.protocols().stream()
                .filter(Http1Config.class::isInstance)
                .map(Http1Config.class::cast)
                .findFirst()
                .orElseGet(Http1Config::create);
        server.addProtocol(ws);
        // This selector comes before the one Helidon finds on its own, so HTTP/1 connections use
        // it, and with it the upgrader that applies OriginPolicy (see OriginCheckingUpgrader).
        server.addConnectionSelector(Http1ConnectionSelector.builder()
                .config(http1)
                .upgraders(Map.of("websocket", new OriginCheckingUpgrader(ws, origins)))
                .build());
        server.addRouting(WsRouting.builder().endpoint(PATH, () -> new WsBridge(chat)));
    }
}
