package parley.hostile;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import parley.http.HttpFrontend;
import parley.net.ChatServer;
import parley.server.ServerConfig;
import parley.testing.TestClient;
import parley.web.OriginPolicy;
import parley.web.WsRoutes;

/** A chat server with its HTTP side and WebSocket gateway on free loopback ports, for the web attacks. */
final class WebTarget implements AutoCloseable {
    final ChatServer chat;
    final HttpFrontend http;

    private WebTarget(ChatServer chat, HttpFrontend http) {
        this.chat = chat;
        this.http = http;
    }

    static WebTarget start(ServerConfig.Builder b) throws IOException {
        ChatServer chat = ChatServer.start(b.address(new InetSocketAddress("127.0.0.1", 0)).build());
        try {
            return new WebTarget(chat, HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), chat,
                    List.of(new WsRoutes(chat.chat(), OriginPolicy.sameOriginOnly()))));
        } catch (RuntimeException e) {
            chat.close();
            throw e;
        }
    }

    int port() {
        return http.port();
    }

    InetSocketAddress tcp() {
        return new InetSocketAddress("127.0.0.1", chat.address().getPort());
    }

    /** The status of {@code GET path} sent with this Host header, over a raw socket. */
    int get(String path, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int c;
            while (head.size() < 12 && (c = in.read()) >= 0) head.write(c);
            String line = head.toString(ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -1;
        }
    }

    /** A TCP member's round trip: it posts to a group of its own and gets its message back. */
    void roundTrip(TestClient member, String group, int n) throws IOException {
        member.post(group, "still here " + n);
        member.expectLine(TestClient.messageLine(group, "still here " + n));
    }

    @Override
    public void close() {
        chat.close();
        http.close();
    }
}
