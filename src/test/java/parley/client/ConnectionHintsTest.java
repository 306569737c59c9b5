package parley.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.testing.QueueInput;
import parley.testing.TestCerts;
import parley.tls.Tls;

/**
 * Connection errors say what to do, in one line and without Java's exception names: a plain
 * client at a TLS port, a TLS client at a plain one, a certificate the JDK does not trust.
 */
@DisplayName("connection hints")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionHintsTest {
    @TempDir
    static Path dir;
    private static SSLContext serverTls;
    private static TestCerts certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCerts.make(dir, "hint", "EC");
        serverTls = Tls.serverFromPem(certs.certPem, certs.keyPem);
    }

    /** Output of one client run. */
    record Run(int code, String out, String err) {}

    /** A server on loopback that does {@code each} with every connection it accepts, until closed. */
    private static ServerSocket serve(ConnectionScript each) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(10_000);
                    each.run(s);
                } catch (IOException ignored) {
                    // a failed handshake is what these tests are about
                }
            }
        });
        return listener;
    }

    interface ConnectionScript {
        void run(Socket s) throws IOException;
    }

    private static Run client(ServerSocket listener, ClientSecurity security, String script) throws Exception {
        QueueInput stdin = new QueueInput();
        for (String line : script.lines().toList()) stdin.send(line);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ChatClient.run(
                List.of(new InetSocketAddress("127.0.0.1", listener.getLocalPort())), security,
                new BufferedReader(stdin), new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8),
                Duration.ofSeconds(2)));
        try {
            int code = exit.get(30, TimeUnit.SECONDS);
            return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
        } finally {
            stdin.end();
        }
    }

    private static void tlsHandshake(Socket plain) throws IOException {
        SSLSocket s = Tls.overAccepted(serverTls, plain);
        s.startHandshake();
        s.getInputStream().read();
    }

    private static void assertOneLineWithoutJavaNames(String err) {
        assertThat(err.lines()).as(err).hasSize(1);
        assertThat(err).doesNotContain("Exception").doesNotContain("javax.").doesNotContain("sun.")
                .doesNotContain("PKIX").doesNotContain("JSON");
    }

    @Test
    @DisplayName("a plain client at a TLS port is told to use --tls")
    void plainClientAtATlsPort() throws Exception {
        try (ServerSocket listener = serve(ConnectionHintsTest::tlsHandshake)) {
            Run r = client(listener, ClientSecurity.NONE, "join dogs\n");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("parley client: the server at 127.0.0.1:" + listener.getLocalPort()
                    + " speaks TLS; run the client with --tls\n");
            assertOneLineWithoutJavaNames(r.err());
        }
    }

    @Test
    @DisplayName("a TLS client that does not trust a self-signed certificate is told to give --tls-ca FILE")
    void untrustedCertificate() throws Exception {
        try (ServerSocket listener = serve(ConnectionHintsTest::tlsHandshake)) {
            Run r = client(listener, new ClientSecurity(Tls.client(null, false), true, null), "join dogs\n");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("parley client: cannot connect to 127.0.0.1:" + listener.getLocalPort()
                    + ": TLS handshake failed: the server's certificate is not trusted by this JDK; give its CA with --tls-ca FILE\n");
            assertOneLineWithoutJavaNames(r.err());

            // Given --tls-ca with the wrong CA, the hint says that CA is not the right one.
            TestCerts other = TestCerts.make(dir, "other", "EC");
            Run wrong = client(listener, new ClientSecurity(Tls.client(other.certPem, false), true, null, true), "");
            assertThat(wrong.err()).contains("TLS handshake failed: the server's certificate is not signed by the CA given with --tls-ca");
            assertOneLineWithoutJavaNames(wrong.err());

            // And with the right one it connects.
            Run right = client(listener, new ClientSecurity(Tls.client(certs.certPem, false), true, null, true), "");
            assertThat(right.err()).doesNotContain("TLS handshake failed");
        }
    }

    @Test
    @DisplayName("a TLS client at a plain port is told to drop --tls")
    void tlsClientAtAPlainPort() throws Exception {
        try (ServerSocket listener = serve(s -> {
            s.getInputStream().read(); // the ClientHello: not JSON
            OutputStream o = s.getOutputStream();
            o.write("{\"Error\":\"invalid JSON at column 1\"}\n".getBytes(UTF_8));
            o.flush();
        })) {
            Run r = client(listener, new ClientSecurity(Tls.client(null, false), true, null), "join dogs\n");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("parley client: cannot connect to 127.0.0.1:" + listener.getLocalPort()
                    + ": TLS handshake failed: the server at 127.0.0.1:" + listener.getLocalPort()
                    + " does not speak TLS; run the client without --tls\n");
            assertOneLineWithoutJavaNames(r.err());
        }
    }
}
