package parley.web;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;
import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * Helidon's WebSocket upgrader with {@link OriginPolicy} in place of its own origin check, and
 * {@link FrameConnection} in place of its connection.
 *
 * <p>Helidon 4.5 checks the Origin either against the Host (no origins configured) or against a
 * fixed list (origins configured), never both, and does so before any HTTP filter runs; the
 * gateway needs the Host refused when it is not one of the server's names, and the Origin checked
 * against those names and a list. {@link WsUpgrader#validateOrigin} is the hook Helidon leaves for
 * this: it runs before the handshake is answered, and the exceptions below become a plain 421 or
 * 403. The handshake itself (key, version, the 101 answer) is Helidon's, unchanged; the connection
 * it returns is never run: ours reads the frames (see {@link FrameConnection} for why).
 */
final class GatewayUpgrader extends WsUpgrader {
    private final OriginPolicy policy;
    private final Function<ConnectionContext, FrameConnection> connections;
    /** The connection being upgraded, for {@link #validateOrigin}, which is not given it. */
    private final ThreadLocal<ConnectionContext> upgrading = new ThreadLocal<>();

    GatewayUpgrader(WsConfig config, OriginPolicy policy, Function<ConnectionContext, FrameConnection> connections) {
        super(config);
        this.policy = policy;
        this.connections = connections;
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        String host = headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null;
        if (!policy.hostAllowed(host, local(ctx))) throw misdirected();
        upgrading.set(ctx);
        ServerConnection helidons;
        try {
            helidons = super.upgrade(ctx, prologue, headers);
        } finally {
            upgrading.remove();
        }
        return helidons == null ? null : connections.apply(ctx);
    }

    @Override
    protected void validateOrigin(Headers headers, String origin) {
        ConnectionContext ctx = upgrading.get();
        if (ctx == null || !policy.allows(origin, local(ctx))) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.FORBIDDEN)
                    .message("Origin not allowed")
                    .build();
        }
    }

    static InetSocketAddress local(ConnectionContext ctx) {
        return (InetSocketAddress) ctx.localPeer().address();
    }

    static RequestException misdirected() {
        return RequestException.builder()
                .type(DirectHandler.EventType.OTHER)
                .status(Status.MISDIRECTED_REQUEST_421)
                .message("Host not served here")
                .build();
    }
}
