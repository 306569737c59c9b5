package parley.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.protocol.FromServer;

/** The test client against a plain loopback socket that plays the server, byte by byte. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestClientTest {
    private ServerSocket listener;
    private Socket server;
    private OutputStream toClient;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) server.close();
        listener.close();
    }

    private TestClient connect() throws IOException {
        if (server != null) server.close();
        TestClient c = TestClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
        server = listener.accept();
        toClient = server.getOutputStream();
        return c;
    }

    private void send(String text) throws IOException {
        toClient.write(text.getBytes(UTF_8));
        toClient.flush();
    }

    @Test
    void aLineCutByATimeoutIsWholeOnTheNextRead() throws IOException {
        try (TestClient c = connect()) {
            send("{\"Error\":\"first ");
            assertThatThrownBy(() -> c.readLine(Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("no complete line");
            assertThat(c.nextLine(Duration.ofMillis(50))).isNull();
            send("half\"}\n{\"Error\":\"second\"}\n");
            assertThat(c.readLines(2, Duration.ofSeconds(5)))
                    .containsExactly("{\"Error\":\"first half\"}", "{\"Error\":\"second\"}");
        }
    }

    @Test
    void expectNoLineWithinSeesSilenceAndFailsOnAnything() throws IOException {
        try (TestClient c = connect()) {
            c.expectNoLineWithin(Duration.ofMillis(100));
            send(TestClient.errorLine("late") + "\n");
            assertThatThrownBy(() -> c.expectNoLineWithin(Duration.ofSeconds(5)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("late");
        }
        try (TestClient c = connect()) {
            server.shutdownOutput();
            assertThatThrownBy(() -> c.expectNoLineWithin(Duration.ofSeconds(5)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("closed");
        }
    }

    @Test
    void theEndOfTheStream() throws IOException {
        try (TestClient c = connect()) {
            send("one\ntwo\nfragment");
            server.shutdownOutput();
            assertThat(c.readToEnd()).containsExactly("one", "two", "fragment");
            assertThat(c.isEof()).isTrue();
        }
        try (TestClient c = connect()) {
            send("torn");
            server.shutdownOutput();
            assertThatThrownBy(() -> c.readLine(Duration.ofSeconds(5)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("stream ended inside a line: torn");
        }
        try (TestClient c = connect()) {
            assertThat(c.readTimeout(Duration.ofMillis(100)).closedByServer()).as("silence is not a close").isFalse();
            server.setSoLinger(true, 0);
            server.close(); // a reset counts as the close
            assertThat(c.readTimeout(Duration.ofSeconds(5)).closedByServer()).isTrue();
        }
    }

    @Test
    void decodedReplies() throws IOException {
        try (TestClient c = connect()) {
            send(TestClient.messageLine("g", "hi") + "\n" + TestClient.errorLine("no") + "\n");
            assertThat(c.messages(1, Duration.ofSeconds(5))).containsExactly(new FromServer.Message("g", "hi"));
            assertThat(c.nextReply(Duration.ofSeconds(5))).isEqualTo(TestClient.error("no"));
            assertThat(c.drain(Duration.ofMillis(100))).isEmpty();
        }
    }

    @Test
    void inTheBackgroundEveryByteIsKept() throws Exception {
        try (TestClient c = connect().readInBackground()) {
            send("a\nb\nc");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (c.bytes().length < 5 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(c.bytes()).isEqualTo("a\nb\nc".getBytes(UTF_8));
            assertThat(c.linesQueued()).isEqualTo(2);
            assertThat(c.readLine(Duration.ofSeconds(5))).isEqualTo("a");
            assertThat(c.linesQueued()).isEqualTo(1);
            assertThat(c.ended()).isFalse();
            send("\n");
            server.shutdownOutput();
            assertThat(c.readLines(2, Duration.ofSeconds(5))).containsExactly("b", "c");
            while (!c.ended() && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(c.ended()).isTrue();
            assertThat(c.failure()).isNull();
            assertThat(c.readLineOrNull(Duration.ofSeconds(5))).isNull();
        }
    }

    @Test
    void onlyLoopback() {
        assertThatThrownBy(() -> TestClient.connect(new InetSocketAddress("192.0.2.1", 7878)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
