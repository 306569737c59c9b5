package parley.web;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.http.HttpFrontend;
import parley.net.ChatServer;
import parley.server.ServerConfig;

/**
 * The WebSocket gateway against an in-process chat server and HTTP listener on free ports, with
 * the JDK's WebSocket client beside plain TCP clients: exact packets both ways, errors, the origin
 * check, the size limit, lag, and what a dropped browser leaves behind (nothing).
 */
@DisplayName("WebSocket gateway")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int MAX_LINE = 4096;
    private static final String EXTRA_ORIGIN = "https://chat.example.org";

    private ChatServer chat;
    private HttpFrontend http;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();

    private void start(ServerConfig config) throws IOException {
        start(config, c -> new WsRoutes(c, OriginPolicy.of(List.of(EXTRA_ORIGIN))));
    }

    private void start(ServerConfig config, java.util.function.Function<parley.server.Chat, WsRoutes> routes) throws IOException {
        chat = ChatServer.start(config.withAddress(new InetSocketAddress("127.0.0.1", 0)));
        http = HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), chat, List.of(routes.apply(chat.chat())));
    }

    private void start() throws IOException {
        start(ServerConfig.defaults().withMaxLineBytes(MAX_LINE));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (chat != null) chat.close();
        if (http != null) http.close();
        client.close();
    }

    // ------------------------------------------------------------------ clients

    private URI wsUri() {
        return URI.create("ws://127.0.0.1:" + http.port() + "/ws");
    }

    private String sameOrigin() {
        return "http://127.0.0.1:" + http.port();
    }

    /** A WebSocket client that queues every text message it receives. */
    final class Ws implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        /** When false, the client reads nothing until {@link #resume}: a slow browser. */
        private volatile boolean reading = true;
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            if (reading) ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        String next() throws InterruptedException {
            String s = texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(s).as("a message within " + WAIT).isNotNull();
            return s;
        }

        void pause() {
            reading = false;
        }

        void resume() {
            reading = true;
            socket.request(1);
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    private Ws ws(String origin) throws Exception {
        Ws w = new Ws();
        WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(WAIT);
        if (origin != null) b.header("Origin", origin);
        w.socket = b.buildAsync(wsUri(), w).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        open.add(w);
        return w;
    }

    private Ws ws() throws Exception {
        return ws(sameOrigin());
    }

    /** A plain TCP client of the chat port. */
    final class Tcp implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Tcp() throws IOException {
            socket = new Socket("127.0.0.1", chat.address().getPort());
            socket.setSoTimeout((int) WAIT.toMillis());
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            out = socket.getOutputStream();
            open.add(this);
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(UTF_8));
            out.flush();
        }

        String next() throws IOException {
            String s = in.readLine();
            assertThat(s).as("a line from the server").isNotNull();
            return s;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void awaitMembers(String group, int n) {
        await().atMost(WAIT).until(() -> chat.groups().get(group) != null && chat.groups().get(group).members() == n);
    }

    // ------------------------------------------------------------------ the page

    @Test
    @DisplayName("serves the chat page and its modules from the jar")
    void servesPage() throws Exception {
        start();
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(sameOrigin() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Parley</title>").contains("app.js");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(WsRoutes.PAGE_POLICY);
        HttpResponse<String> js = client.send(HttpRequest.newBuilder(URI.create(sameOrigin() + "/app.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(sameOrigin() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ chat

    @Test
    @DisplayName("a WebSocket member and a TCP member chat in one group, exact packets both ways")
    void wsAndTcpChat() throws Exception {
        start();
        Ws alice = ws();
        Tcp book = new Tcp();
        alice.send("{\"Hello\":{\"name\":\"alice\"}}");
        assertThat(parley.testing.TestClient.withoutEpoch(alice.next()))
                .isEqualTo("{\"Welcome\":{\"name\":\"alice\",\"server\":\"parley " + parley.server.Version.current() + "\"}}");
        alice.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        book.send("{\"Join\":{\"group_name\":\"dogs\"}}");
        awaitMembers("dogs", 2);

        book.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"woof \\\"1\\\" \u00e9\"}}");
        assertThat(parley.testing.TestClient.withoutTs(alice.next())).isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof \\\"1\\\" \u00e9\",\"seq\":1}}");
        assertThat(parley.testing.TestClient.withoutTs(book.next())).isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"woof \\\"1\\\" \u00e9\"}}");

        alice.send("{\"Post\":{\"group_name\":\"dogs\",\"message\":\"hi from the browser\"}}");
        assertThat(parley.testing.TestClient.withoutTs(alice.next())).isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi from the browser\",\"from\":\"alice\",\"seq\":2}}");
        assertThat(parley.testing.TestClient.withoutTs(book.next())).isEqualTo("{\"Message\":{\"group_name\":\"dogs\",\"message\":\"hi from the browser\"}}");

        alice.send("{\"Members\":{\"group_name\":\"dogs\"}}");
        assertThat(alice.next()).isEqualTo("{\"Members\":{\"group_name\":\"dogs\",\"names\":[\"alice\"]}}");
        alice.send("{\"List\":{}}");
        assertThat(alice.next()).isEqualTo("{\"Groups\":[{\"name\":\"dogs\",\"members\":2}]}");
        alice.send("{\"Leave\":{\"group_name\":\"dogs\"}}");
        awaitMembers("dogs", 1);
        assertThat(alice.texts).isEmpty();
    }

    @Test
    @DisplayName("two WebSocket members: from, seq, Join with history and Fetch")
    void historyAndFetch() throws Exception {
        start();
        Ws bob = ws();
        bob.send("{\"Hello\":{\"name\":\"bob\"}}");
        bob.next();
        bob.send("{\"Join\":{\"group_name\":\"cats\"}}");
        awaitMembers("cats", 1);
        for (int i = 1; i <= 5; i++) {
            bob.send("{\"Post\":{\"group_name\":\"cats\",\"message\":\"m" + i + "\"}}");
            assertThat(bob.next()).contains("\"seq\":" + i);
        }
        Ws carol = ws();
        carol.send("{\"Hello\":{\"name\":\"carol\"}}");
        carol.next();
        carol.send("{\"Join\":{\"group_name\":\"cats\",\"history\":2}}");
        assertThat(parley.testing.TestClient.withoutTs(carol.next())).isEqualTo("{\"Message\":{\"group_name\":\"cats\",\"message\":\"m4\",\"from\":\"bob\",\"seq\":4}}");
        assertThat(parley.testing.TestClient.withoutTs(carol.next())).isEqualTo("{\"Message\":{\"group_name\":\"cats\",\"message\":\"m5\",\"from\":\"bob\",\"seq\":5}}");
        assertThat(carol.next()).isEqualTo("{\"Fetched\":{\"group_name\":\"cats\",\"count\":2,\"oldest\":1,\"newest\":5}}");
        carol.send("{\"Fetch\":{\"group_name\":\"cats\",\"after\":2,\"limit\":2}}");
        assertThat(parley.testing.TestClient.withoutTs(carol.next())).isEqualTo("{\"Message\":{\"group_name\":\"cats\",\"message\":\"m3\",\"from\":\"bob\",\"seq\":3}}");
        assertThat(parley.testing.TestClient.withoutTs(carol.next())).isEqualTo("{\"Message\":{\"group_name\":\"cats\",\"message\":\"m4\",\"from\":\"bob\",\"seq\":4}}");
        assertThat(carol.next()).isEqualTo("{\"Fetched\":{\"group_name\":\"cats\",\"count\":2,\"oldest\":1,\"newest\":5}}");
        carol.send("{\"Post\":{\"group_name\":\"cats\",\"message\":\"meow\"}}");
        assertThat(bob.next()).isEqualTo("{\"Joined\":{\"group_name\":\"cats\",\"name\":\"carol\"}}"); // before her first message
        assertThat(parley.testing.TestClient.withoutTs(bob.next())).isEqualTo("{\"Message\":{\"group_name\":\"cats\",\"message\":\"meow\",\"from\":\"carol\",\"seq\":6}}");
        assertThat(parley.testing.TestClient.withoutTs(carol.next())).isEqualTo("{\"Message\":{\"group_name\":\"cats\",\"message\":\"meow\",\"from\":\"carol\",\"seq\":6}}");
    }

    // ------------------------------------------------------------------ errors

    @Test
    @DisplayName("bad input gets the same Error as on TCP, and the connection carries on")
    void errorsMatchTcp() throws Exception {
        start();
        Ws w = ws();
        Tcp t = new Tcp();
        List<String> bad = List.of(
                "{\"Join\":{\"group_name\":\"dogs\"",
                "[1,2]",
                "{\"Shout\":{}}",
                "{\"Post\":{\"group_name\":\"nowhere\",\"message\":\"x\"}}",
                "{\"Join\":{\"group_name\":\"\"}}",
                "{\"Join\":{\"group_name\":7}}",
                "{\"Hello\":{\"name\":\"no spaces\"}}",
                "{\"Leave\":{\"group_name\":\"dogs\"}}",
                "{\"Post\":{\"group_name\":\"a\",\"message\":\"\\ud800\"}}",
                "{\"Fetch\":{\"group_name\":\"nowhere\"}}");
        for (String line : bad) {
            t.send(line);
            w.send(line);
            String expected = t.next();
            assertThat(expected).startsWith("{\"Error\":");
            assertThat(w.next()).as(line).isEqualTo(expected);
        }
        w.send("{\"Join\":{\"group_name\":\"ok\"}}");
        awaitMembers("ok", 1);
    }

    @Test
    @DisplayName("one request per message: a line break inside gets an Error, one at the end is fine, blank is ignored")
    void framing() throws Exception {
        start();
        Ws w = ws();
        w.send("{\"Join\":{\"group_name\":\"a\"}}\n{\"Join\":{\"group_name\":\"b\"}}");
        assertThat(w.next()).isEqualTo("{\"Error\":\"a WebSocket message carries one request: line break at byte 28"
                + " (a single one is allowed only at the end)\"}");
        assertThat(chat.groups().size()).isZero();
        w.send("{\"Join\":{\"group_name\":\"a\"}}\r\n");
        awaitMembers("a", 1);
        w.send("   ");
        w.send("");
        w.socket.sendBinary(ByteBuffer.wrap("{\"List\":{}}".getBytes(UTF_8)), true).join();
        assertThat(w.next()).isEqualTo("{\"Error\":\"binary messages are not supported: send each request as a text message\"}");
        w.send("{\"List\":{}}");
        assertThat(w.next()).isEqualTo("{\"Groups\":[{\"name\":\"a\",\"members\":1}]}");
    }

    @Test
    @DisplayName("a message up to the line limit is served; a longer one gets an Error, then the connection closes")
    void sizeLimit() throws Exception {
        start();
        Ws w = ws();
        w.send("{\"Join\":{\"group_name\":\"big\"}}");
        String prefix = "{\"Post\":{\"group_name\":\"big\",\"message\":\"";
        String suffix = "\"}}";
        String atLimit = prefix + "x".repeat(MAX_LINE - prefix.length() - suffix.length()) + suffix;
        assertThat(atLimit.getBytes(UTF_8)).hasSize(MAX_LINE);
        w.send(atLimit);
        assertThat(w.next()).startsWith("{\"Message\":{\"group_name\":\"big\",\"message\":\"xxx");

        String over = prefix + "\u00e9".repeat((MAX_LINE - prefix.length() - suffix.length()) / 2 + 1) + suffix;
        assertThat(over.length()).isLessThan(MAX_LINE);
        assertThat(over.getBytes(UTF_8).length).isGreaterThan(MAX_LINE);
        w.send(over);
        assertThat(w.next()).isEqualTo("{\"Error\":\"message too long: the limit is " + MAX_LINE
                + " bytes; closing the connection\"}");
        assertThat(w.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("1009 message too long");
        await().atMost(WAIT).until(() -> chat.groups().get("big") == null && chat.connectionCount() == 0);
        // Counted as a TCP line over the limit is.
        assertThat(chat.metrics().errors(parley.server.Metrics.ErrorKind.MAX_LINE)).isEqualTo(1);
        assertThat(chat.metrics().closed(parley.server.Metrics.CloseReason.MAX_LINE)).isEqualTo(1);
    }

    @Test
    @DisplayName("a message sent in several frames is joined, and its limit counted as it grows")
    void fragments() throws Exception {
        start();
        Ws w = ws();
        w.socket.sendText("{\"Join\":{\"gro", false).join();
        w.socket.sendText("up_name\":\"frag\"}}", true).join();
        awaitMembers("frag", 1);
        String chunk = "x".repeat(1000);
        for (int i = 0; i < 4; i++) {
            w.socket.sendText(chunk, false).join();
        }
        w.socket.sendText(chunk, true).join();
        assertThat(w.next()).startsWith("{\"Error\":\"message too long");
        assertThat(w.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("1009");
    }

    @Test
    @DisplayName("before Auth (tokens on), a message may be at most 4096 bytes, as a TCP line: the same Error, then 1009")
    void smallLimitBeforeAuth() throws Exception {
        chat = ChatServer.start(ServerConfig.defaults().withMaxLineBytes(65_536)
                .withAddress(new InetSocketAddress("127.0.0.1", 0)), null,
                parley.auth.AuthTokens.of(java.util.Map.of("token-of-alice-1234", "alice")));
        http = HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), chat,
                List.of(new WsRoutes(chat.chat(), OriginPolicy.sameOriginOnly())));
        parley.budget.MemoryBudget fragments = chat.chat().budgets().fragments();

        // 4097 bytes before Auth, in fragments too, is refused as it arrives.
        Ws stranger = ws();
        stranger.socket.sendText("x".repeat(3000), false).join();
        stranger.socket.sendText("x".repeat(1097), true).join();
        assertThat(stranger.next())
                .isEqualTo("{\"Error\":\"line too long: the limit is 4096 bytes; closing the connection\"}");
        assertThat(stranger.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("1009 message too long");
        await().atMost(WAIT).until(() -> chat.connectionCount() == 0 && fragments.used() == 0);
        assertThat(chat.metrics().closed(parley.server.Metrics.CloseReason.MAX_LINE)).isEqualTo(1);

        // An Auth of 4096 bytes is served; once signed in, the line limit applies.
        Ws alice = ws();
        String auth = "{\"Auth\":{\"token\":\"token-of-alice-1234\"}}";
        alice.send(auth.substring(0, auth.length() - 1) + " ".repeat(4096 - auth.length()) + "}");
        alice.send("{\"Join\":{\"group_name\":\"g\"}}");
        String big = "z".repeat(50_000);
        alice.send("{\"Post\":{\"group_name\":\"g\",\"message\":\"" + big + "\"}}");
        assertThat(alice.next()).contains(big);
    }

    // ------------------------------------------------------------------ origin

    @Test
    @DisplayName("same origin (the server's names and port, not the Host's), listed origins and no Origin are let in;"
            + " any other origin gets 403 before the upgrade")
    void originCheck() throws Exception {
        start();
        for (String ok : List.of(sameOrigin(), sameOrigin() + "/", "http://localhost:" + http.port(), EXTRA_ORIGIN,
                "HTTPS://Chat.Example.org:443")) {
            Ws w = ws(ok);
            w.send("{\"List\":{}}");
            assertThat(w.next()).as(ok).isEqualTo("{\"Groups\":[]}");
        }
        Ws noOrigin = ws(null);
        noOrigin.send("{\"List\":{}}");
        assertThat(noOrigin.next()).isEqualTo("{\"Groups\":[]}");

        for (String bad : List.of("http://evil.example", "http://evil.example:" + http.port(), "http://127.0.0.1:1",
                "https://127.0.0.1:" + http.port(), "https://127.0.0.1:" + http.port() + "/x", "null",
                "https://chat.example.org:8443")) {
            assertThatThrownBy(() -> ws(bad)).as(bad)
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
        }
        assertThat(chat.connectionCount()).isEqualTo(6);
    }

    // ------------------------------------------------------------------ ends

    @Test
    @DisplayName("a dropped connection leaves its groups and frees its name, with or without a Close")
    void disconnect() throws Exception {
        start();
        Ws a = ws();
        a.send("{\"Hello\":{\"name\":\"dora\"}}");
        a.next();
        a.send("{\"Join\":{\"group_name\":\"g1\"}}");
        a.send("{\"Join\":{\"group_name\":\"g2\"}}");
        awaitMembers("g2", 1);
        a.socket.abort(); // no Close frame: the TCP connection just goes
        await().atMost(WAIT).until(() -> chat.groups().size() == 0 && chat.connectionCount() == 0);

        Ws b = ws();
        b.send("{\"Hello\":{\"name\":\"dora\"}}");
        assertThat(b.next()).startsWith("{\"Welcome\":{\"name\":\"dora\"");
        b.send("{\"Join\":{\"group_name\":\"g1\"}}");
        awaitMembers("g1", 1);
        b.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(b.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("1000");
        await().atMost(WAIT).until(() -> chat.groups().size() == 0 && chat.connectionCount() == 0);
    }

    @Test
    @DisplayName("server shutdown: the browser is told why, then closed with 1001")
    void shutdown() throws Exception {
        start();
        Ws w = ws();
        w.send("{\"Join\":{\"group_name\":\"g\"}}");
        awaitMembers("g", 1);
        chat.close();
        assertThat(w.next()).isEqualTo("{\"Error\":\"server shutting down\"}");
        assertThat(w.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("1001 server shutting down");
        assertThat(chat.connectionCount()).isZero();
    }

    @Test
    @DisplayName("a browser that stops reading is told how many messages it missed, like a TCP member")
    void lag() throws Exception {
        start(ServerConfig.defaults().withMaxLineBytes(MAX_LINE).withGroupCapacity(16));
        Ws slow = ws();
        slow.send("{\"Join\":{\"group_name\":\"busy\"}}");
        awaitMembers("busy", 1);
        slow.pause();
        Tcp poster = new Tcp();
        String body = "y".repeat(2000);
        AtomicLong posted = new AtomicLong();
        // Enough to fill the socket buffers on both sides, so the ring overruns this member.
        for (int i = 0; i < 6000; i++) {
            poster.send("{\"Post\":{\"group_name\":\"busy\",\"message\":\"" + i + " " + body + "\"}}");
            posted.incrementAndGet();
        }
        await().atMost(WAIT).until(() -> chat.groups().get("busy").posted() == posted.get());
        slow.resume();
        long dropped = 0;
        long last = -1;
        int received = 0;
        while (last < posted.get() - 1) {
            String s = slow.next();
            if (s.startsWith("{\"Error\":")) {
                assertThat(s).matches("\\{\"Error\":\"Dropped \\d+ messages from busy\\.\"}");
                dropped += Long.parseLong(s.replaceAll("\\D+", ""));
                continue;
            }
            received++;
            String msg = s.substring(s.indexOf("\"message\":\"") + 11);
            last = Long.parseLong(msg.substring(0, msg.indexOf(' ')));
        }
        assertThat(dropped).isPositive();
        assertThat(received + dropped).isEqualTo(posted.get());
    }

    @Test
    @DisplayName("the HTTP listener uses blocking sockets: an idle WebSocket holds one 8 KiB buffer, not NIO's two")
    void blockingSockets() throws Exception {
        chat = ChatServer.start(ServerConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)));
        io.helidon.webserver.WebServerConfig.Builder server = io.helidon.webserver.WebServer.builder();
        assertThat(server.useNio()).isTrue(); // Helidon's default
        new WsRoutes(chat.chat(), OriginPolicy.sameOriginOnly()).configure(server);
        assertThat(server.useNio()).isFalse();
    }

    @Test
    @DisplayName("heartbeat: a client that answers pings stays; one that has gone silent is ended")
    void heartbeat() throws Exception {
        start(ServerConfig.defaults().withMaxLineBytes(MAX_LINE),
                c -> new WsRoutes(c, OriginPolicy.sameOriginOnly(), Duration.ofMillis(200), Duration.ofSeconds(1)));
        Ws alive = ws();
        alive.send("{\"Join\":{\"group_name\":\"awake\"}}");
        awaitMembers("awake", 1);

        // Hand-made clients that upgrade, join, and then never read nor answer a ping; the
        // second one is sent more than the socket buffers hold, so its writer is stuck in a send.
        silentMember("quiet");
        silentMember("flood");
        Tcp poster = new Tcp();
        String body = "z".repeat(3000);
        for (int i = 0; i < 4000; i++) {
            poster.send("{\"Post\":{\"group_name\":\"flood\",\"message\":\"" + body + "\"}}");
        }
        await().atMost(WAIT).until(() -> chat.groups().get("flood") == null);
        await().atMost(WAIT).until(() -> chat.groups().get("quiet") == null);
        Thread.sleep(1500); // past the silent limit: the client that answers pings is still there
        assertThat(chat.groups().get("awake").members()).isEqualTo(1);
        alive.send("{\"List\":{}}");
        assertThat(alive.next()).isEqualTo("{\"Groups\":[{\"name\":\"awake\",\"members\":1}]}");
    }

    @Test
    @DisplayName("a message left unfinished past --line-timeout: an Error, Close 1008, and its bytes given back")
    void unfinishedMessage() throws Exception {
        // The limit is the server's --line-timeout, not a WebSocket constant, and it is looked for
        // more often than the pings (every 10 s here) come.
        start(ServerConfig.builder().maxLineBytes(MAX_LINE).lineTimeout(Duration.ofMillis(1500)).build(),
                c -> new WsRoutes(c, OriginPolicy.sameOriginOnly(), Duration.ofSeconds(10), Duration.ofSeconds(30)));
        parley.budget.MemoryBudget fragments = chat.chat().budgets().fragments();
        try (parley.testing.WsFrameClient c = parley.testing.WsFrameClient.open(http.port())) {
            long began = System.nanoTime();
            c.frame(false, parley.testing.WsFrameClient.TEXT, "{\"List\":".getBytes(UTF_8));
            await().atMost(WAIT).until(() -> fragments.used() > 0);
            // Any ping is answered: the connection is not silent, only its message is unfinished.
            String error = null;
            long end = System.nanoTime() + WAIT.toNanos();
            parley.testing.WsFrameClient.Frame f;
            while (System.nanoTime() < end && (f = c.read(WAIT)) != null) {
                if (f.opcode() == parley.testing.WsFrameClient.PING) {
                    c.frame(true, parley.testing.WsFrameClient.PONG, f.payload());
                } else if (f.opcode() == parley.testing.WsFrameClient.TEXT) {
                    error = f.text();
                } else if (f.opcode() == parley.testing.WsFrameClient.CLOSE) {
                    assertThat(f.closeCode()).isEqualTo(1008);
                    break;
                }
            }
            assertThat(error).isEqualTo("{\"Error\":\"message unfinished after 1500 ms; closing the connection\"}");
            // Looked for every quarter of the limit (375 ms), not at the next ping (10 s): well
            // under that even on a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isBetween(Duration.ofMillis(1500), Duration.ofMillis(9000));
        }
        await().atMost(WAIT).until(() -> fragments.used() == 0 && chat.connectionCount() == 0);
        assertThat(chat.metrics().closed(parley.server.Metrics.CloseReason.LINE_TIMEOUT)).isEqualTo(1);
    }

    /** Upgrades by hand, joins {@code group}, and then neither reads nor answers a ping. */
    private void silentMember(String group) throws IOException {
        Socket silent = new Socket("127.0.0.1", http.port());
        open.add(silent);
        silent.setSoTimeout((int) WAIT.toMillis());
        silent.setReceiveBufferSize(4096);
        silent.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + http.port()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(UTF_8));
        BufferedReader head = new BufferedReader(new InputStreamReader(silent.getInputStream(), UTF_8), 1);
        assertThat(head.readLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
        byte[] join = ("{\"Join\":{\"group_name\":\"" + group + "\"}}").getBytes(UTF_8);
        byte[] frame = new byte[6 + join.length];
        frame[0] = (byte) 0x81;                  // FIN, text
        frame[1] = (byte) (0x80 | join.length);  // masked (client frames must be), short length
        System.arraycopy(join, 0, frame, 6, join.length); // mask key 0: the payload as it is
        silent.getOutputStream().write(frame);
        awaitMembers(group, 1);
    }
}
