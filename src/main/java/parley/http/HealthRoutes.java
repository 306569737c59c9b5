package parley.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import parley.net.ChatServer;
import parley.server.Accounts;
import parley.server.SignIn;

/**
 * {@code /health}: liveness and readiness in one. 200 with a one-line JSON body while the chat
 * listener accepts; 503 once the server is shutting down, so a load balancer stops sending
 * clients before they are refused. The body and {@code /config} say whether the server requires
 * authentication ({@code "auth":true}), so a page shows a token field only when it does;
 * {@code /config} also says how accounts may sign in ({@code "accounts"}, {@code "registration"},
 * {@code "jwt"}), so the page offers only the ways this server takes (docs/web.md).
 */
final class HealthRoutes implements HttpFrontend.Routes {
    private final ChatServer chat;

    HealthRoutes(ChatServer chat) {
        this.chat = chat;
    }

    /** Whether the server requires authentication before Hello. */
    private boolean auth() {
        return chat.chat().requiresAuth();
    }

    @Override
    public void accept(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> {
            boolean up = !chat.isStopping();
            res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
            res.header("Content-Type", "application/json");
            res.send("{\"status\":\"" + (up ? "up" : "stopping") + "\",\"connections\":"
                    + chat.connectionCount() + ",\"groups\":" + chat.groups().size() + ",\"auth\":" + auth() + "}");
        });
        // What a page needs to know before it connects: whether to ask for a token, how accounts
        // sign in, and the limits it should check before sending.
        routing.get("/config", (req, res) -> {
            res.header("Content-Type", "application/json");
            res.header("Cache-Control", "no-store");
            res.send(config());
        });
    }

    /**
     * The body of {@code /config}. {@code accounts}: {@code "none"} (no accounts on this server),
     * {@code "optional"} or {@code "required"} ({@code --accounts}); {@code registration}:
     * {@code "open"} or {@code "closed"}; {@code jwt}: whether Auth takes JWTs ({@code --jwt-key}).
     */
    private String config() {
        SignIn signIn = chat.chat().signIn();
        String accounts = signIn.accounts() == Accounts.NONE ? "none" : signIn.required() ? "required" : "optional";
        boolean registration = signIn.registrationOpen() && signIn.accounts() != Accounts.NONE;
        return "{\"auth\":" + auth() + ",\"accounts\":\"" + accounts + "\",\"registration\":\""
                + (registration ? "open" : "closed") + "\",\"jwt\":" + (signIn.tokens() != null)
                + ",\"max_message_bytes\":" + chat.config().maxMessageBytes()
                + ",\"max_line_bytes\":" + chat.config().maxLineBytes() + "}";
    }
}
