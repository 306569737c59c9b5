package parley.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.ServerConfig;
import parley.testing.TestClient;
import parley.testing.WsFrameClient;

/**
 * Attack 10 of issue 18: a page on {@code evil.example}, its name rebound to 127.0.0.1, reaches a
 * loopback server with {@code Host: evil.example:PORT} and {@code Origin: http://evil.example:PORT}.
 * Every request naming a host that is not the server's gets 421 (the page, /ws, /health,
 * /metrics); an https origin on the plain listener gets 403; the server's own names keep working,
 * and a member keeps chatting.
 */
@DisplayName("hostile: DNS rebinding")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsRebindingTest {

    @Test
    @DisplayName("a Host or Origin of another name is refused; 127.0.0.1 and localhost are served")
    void rebinding() throws Exception {
        try (WebTarget server = WebTarget.start(ServerConfig.builder().maxMemoryBytes(256L << 20));
             TestClient member = TestClient.connect(server.tcp())) {
            member.join("calm");
            server.roundTrip(member, "calm", 0); // the join has been handled
            int port = server.port();
            String evil = "evil.example:" + port;

            try (WsFrameClient c = WsFrameClient.open(port, "/ws", evil, "http://" + evil)) {
                assertThat(c.status).as(c.head).isEqualTo(421);
            }
            try (WsFrameClient c = WsFrameClient.open(port, "/ws", evil, null)) {
                assertThat(c.status).as("no Origin, a foreign Host").isEqualTo(421);
            }
            for (String path : new String[] {"/", "/index.html", "/app.js", "/health", "/metrics", "/ws"}) {
                assertThat(server.get(path, evil)).as(path).isEqualTo(421);
                assertThat(server.get(path, "evil.example")).as(path).isEqualTo(421);
            }
            server.roundTrip(member, "calm", 1);

            // An https origin is never this plain listener's own.
            try (WsFrameClient c = WsFrameClient.open(port, "/ws", "127.0.0.1:" + port, "https://127.0.0.1:" + port)) {
                assertThat(c.status).isEqualTo(403);
            }
            // Another name in the Origin, the right Host.
            try (WsFrameClient c = WsFrameClient.open(port, "/ws", "127.0.0.1:" + port, "http://" + evil)) {
                assertThat(c.status).isEqualTo(403);
            }

            // The server's own names: the address and localhost, for the page and for monitoring.
            for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port}) {
                assertThat(server.get("/health", host)).as(host).isEqualTo(200);
                assertThat(server.get("/metrics", host)).as(host).isEqualTo(200);
                assertThat(server.get("/", host)).as(host).isEqualTo(200);
                try (WsFrameClient c = WsFrameClient.open(port, "/ws", host, "http://" + host.toLowerCase())) {
                    assertThat(c.status).as(host).isEqualTo(101);
                    c.text(TestClient.postLine("calm", "from " + host));
                    member.expectLine(TestClient.messageLine("calm", "from " + host));
                }
            }
            server.roundTrip(member, "calm", 2);
        }
    }
}
