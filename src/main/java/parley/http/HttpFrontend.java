package parley.http;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import parley.net.ChatServer;

/**
 * The HTTP listener beside the chat listener. Each feature (health, metrics, web chat) adds its
 * routes through a {@link Routes} of its own, so they stay separate classes; {@code /health} and
 * {@code /metrics} are always there.
 */
public final class HttpFrontend implements AutoCloseable {

    /** A feature's routes. */
    @FunctionalInterface
    public interface Routes extends Consumer<HttpRouting.Builder> {
        /**
         * Listener-level set-up beyond HTTP routes, such as a WebSocket routing or protocol
         * settings; called once before the listener starts. Most features need none.
         */
        default void configure(WebServerConfig.Builder server) {}
    }

    private final WebServer server;

    private HttpFrontend(WebServer server) {
        this.server = server;
    }

    /** Starts listening on {@code address} (port 0 picks a free port) with the given features. */
    public static HttpFrontend start(InetSocketAddress address, ChatServer chat, List<Routes> features) {
        List<Routes> all = new ArrayList<>();
        all.add(new HealthRoutes(chat));
        all.add(new MetricsRoutes(chat));
        all.addAll(features);
        WebServerConfig.Builder builder = WebServer.builder()
                .host(address.getHostString())
                .port(address.getPort())
                .routing(r -> all.forEach(f -> f.accept(r)));
        all.forEach(f -> f.configure(builder));
        WebServer server = builder.build().start();
        if (!server.isRunning() || server.port() <= 0) {
            // Helidon reports a failed bind in its log rather than by throwing.
            server.stop();
            throw new IllegalStateException("cannot listen on " + address.getHostString() + ":" + address.getPort());
        }
        return new HttpFrontend(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
