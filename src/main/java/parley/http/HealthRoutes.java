package parley.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import parley.net.ChatServer;

/**
 * {@code /health}: liveness and readiness in one. 200 with a one-line JSON body while the chat
 * listener accepts; 503 once the server is shutting down, so a load balancer stops sending
 * clients before they are refused.
 */
final class HealthRoutes implements HttpFrontend.Routes {
    private final ChatServer chat;

    HealthRoutes(ChatServer chat) {
        this.chat = chat;
    }

    @Override
    public void accept(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> {
            boolean up = !chat.isStopping();
            res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
            res.header("Content-Type", "application/json");
            res.send("{\"status\":\"" + (up ? "up" : "stopping") + "\",\"connections\":"
                    + chat.connectionCount() + ",\"groups\":" + chat.groups().size() + "}");
        });
    }
}
