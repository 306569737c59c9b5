package parley.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SSLContext;
import parley.http.HttpFrontend;
import parley.auth.AuthTokens;
import parley.net.ChatServer;
import parley.server.ServerConfig;

/** A chat server and its HTTP side on free loopback ports, for one test. */
public final class TestServer implements AutoCloseable {
    public final ChatServer chat;
    public final HttpFrontend http;

    private TestServer(ChatServer chat, HttpFrontend http) {
        this.chat = chat;
        this.http = http;
    }

    /** Defaults plus the changes {@code b} makes, on 127.0.0.1 port 0. */
    public static TestServer start(ServerConfig.Builder b) throws IOException {
        return start(b, null, null);
    }

    public static TestServer start(ServerConfig.Builder b, SSLContext tls, AuthTokens auth) throws IOException {
        ChatServer chat = ChatServer.start(b.address(new InetSocketAddress("127.0.0.1", 0)).build(), tls, auth);
        try {
            return new TestServer(chat, HttpFrontend.start(new InetSocketAddress("127.0.0.1", 0), chat, List.of()));
        } catch (RuntimeException e) {
            chat.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", chat.address().getPort());
    }

    public TestClient connect() throws IOException {
        return TestClient.connect(address());
    }

    public Scrape scrape() throws IOException, InterruptedException {
        return Scrape.metrics(http.port());
    }

    @Override
    public void close() {
        chat.close();
        http.close();
    }
}
