package parley.web;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsUpgrader;

/**
 * Helidon's WebSocket upgrader with {@link OriginPolicy} in place of its own origin check.
 *
 * <p>Helidon 4.5 checks the Origin either against the Host (no origins configured) or against a
 * fixed list (origins configured), never both, and does so before any HTTP filter runs; the
 * gateway needs both at once. {@link WsUpgrader#validateOrigin} is the hook Helidon leaves for
 * this: it runs before the handshake is answered, and the exception below becomes a plain 403.
 * The upgrade itself (key, version, the 101 answer, the connection) is Helidon's, unchanged.
 */
final class OriginCheckingUpgrader extends WsUpgrader {
    private final OriginPolicy policy;

    OriginCheckingUpgrader(WsConfig config, OriginPolicy policy) {
        super(config);
        this.policy = policy;
    }

    @Override
    protected void validateOrigin(Headers headers, String origin) {
        String host = headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null;
        if (!policy.allows(origin, host)) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.FORBIDDEN)
                    .message("Origin not allowed")
                    .build();
        }
    }
}
