package parley.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import parley.server.ServerConfig;

/** TCP keep-alive on accepted sockets, and the open-files reconciliation, without a server. */
@DisplayName("keep-alive and descriptors")
class KeepAliveTest {

    @Test
    @DisplayName("an accepted socket probes a silent peer")
    void keepAlive() throws Exception {
        try (ServerSocketChannel l = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel c = SocketChannel.open(l.getLocalAddress());
             SocketChannel s = l.accept()) {
            ChatServer.keepAlive(s);
            assertThat(s.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
            if (s.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                assertThat(s.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(ChatServer.KEEPALIVE_IDLE_SECONDS);
                assertThat(s.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(ChatServer.KEEPALIVE_INTERVAL_SECONDS);
                assertThat(s.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(ChatServer.KEEPALIVE_COUNT);
            }
        }
    }

    @Test
    @DisplayName("limits that fit the open-files limit are kept; others are lowered to fit")
    void fitDescriptors() {
        ServerConfig c = ServerConfig.builder().maxConnections(1000).maxHttpConnections(100).build();
        assertThat(ChatServer.fitDescriptors(c, new long[] {5000, 5000})).isSameAs(c);
        assertThat(ChatServer.fitDescriptors(c, null)).isSameAs(c);
        // A hard limit equal to the soft one cannot be raised: 1256 descriptors, 1000 of them for connections.
        ServerConfig fitted = ChatServer.fitDescriptors(c, new long[] {1256, 1256});
        assertThat(fitted.maxHttpConnections()).isEqualTo(100);
        assertThat(fitted.maxConnections()).isEqualTo(450);
        assertThat(2L * fitted.maxConnections() + fitted.maxHttpConnections() + ChatServer.SPARE_DESCRIPTORS)
                .isLessThanOrEqualTo(1256);
        // Asked again at the limit, after the soft limit was raised.
        assertThat(ChatServer.connectionsThatFit(100_000, 1000, new long[] {20_000, 20_000})).isEqualTo(9372);
        assertThat(ChatServer.connectionsThatFit(1000, 100, new long[] {1_000_000, 1_000_000})).isEqualTo(1000);
        assertThat(ChatServer.connectionsThatFit(1000, 100, null)).isEqualTo(1000);
    }

    @Test
    @DisplayName("at the limit the chat asks for it again, and admits the session if it has grown")
    void refitAtTheLimit() throws Exception {
        try (parley.testing.TestServer server = parley.testing.TestServer.start(ServerConfig.builder().maxConnections(1));
             parley.testing.TestClient a = server.connect()) {
            a.send("{\"List\":{}}");
            a.readLine();
            try (parley.testing.TestClient b = server.connect()) {
                assertThat(b.readLine()).contains("server full: at most 1 connection;");
            }
            server.chat.chat().refitConnectionLimit(() -> 2);
            try (parley.testing.TestClient c = server.connect()) {
                c.send("{\"List\":{}}");
                assertThat(c.readLine()).startsWith("{\"Groups\":");
            }
            assertThat(server.chat.chat().maxConnections()).isEqualTo(2);
        }
    }
}
