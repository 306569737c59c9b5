package parley.server;

import parley.auth.AuthTokens;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.client.ChatClient;
import parley.client.ClientSecurity;
import parley.testing.TestClient;
import parley.testing.QueueInput;
import parley.testing.TestCerts;
import parley.testing.TestServer;
import parley.tls.PemFiles;
import parley.tls.Tls;

/**
 * TLS end to end on loopback, with certificates made at test time: the Parley client chatting
 * through a TLS listener (PEM or PKCS#12), trust and handshake failures, and the PEM key forms.
 */
@DisplayName("TLS")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    static Path dir;
    private static TestCerts certs;
    private TestServer server;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.make(dir, "server", "EC");
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Output and exit code of a terminal client run. */
    record Run(int code, String out, String err) {}

    private CompletableFuture<Run> client(ClientSecurity security, java.io.Reader stdin) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ChatClient.run(server.address(), security, new BufferedReader(stdin),
                    new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), Duration.ofSeconds(2));
            return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
        });
    }

    private static ClientSecurity trusting(Path ca) throws Exception {
        return new ClientSecurity(Tls.client(ca, false), true, null);
    }

    /** Two terminal clients chat through the TLS listener; both end cleanly (close_notify both ways). */
    private void chat(ClientSecurity security) throws Exception {
        QueueInput aliceIn = new QueueInput();
        CompletableFuture<Run> alice = client(security, aliceIn);
        aliceIn.send("join dogs");
        await().atMost(WAIT).until(() -> server.chat.groups().get("dogs") != null);
        Run bob = client(security, new StringReader("join dogs\npost dogs hello over TLS\n")).get(30, TimeUnit.SECONDS);
        assertThat(bob.err()).isEmpty();
        assertThat(bob.out()).isEqualTo("message posted to dogs: hello over TLS\n");
        assertThat(bob.code()).isZero();
        aliceIn.end();
        Run a = alice.get(30, TimeUnit.SECONDS);
        assertThat(a.err()).isEmpty();
        assertThat(a.out()).isEqualTo("message posted to dogs: hello over TLS\n");
        assertThat(a.code()).isZero();
    }

    @Test
    @DisplayName("PEM certificate and key: the Parley client chats over TLS, checking the certificate and host")
    void pemChat() throws Exception {
        server = TestServer.start(ServerConfig.builder(), Tls.serverFromPem(certs.certPem, certs.keyPem), null);
        chat(trusting(certs.certPem));
        assertThat(server.scrape().count("parley_posts_total")).isEqualTo(1);
    }

    @Test
    @DisplayName("PKCS#12 key store: the Parley client chats over TLS (--tls-insecure here)")
    void keystoreChat() throws Exception {
        SSLContext ctx = Tls.serverFromKeyStore(certs.keystore, TestCerts.PASSWORD.toCharArray());
        server = TestServer.start(ServerConfig.builder(), ctx, null);
        chat(new ClientSecurity(Tls.client(null, true), false, null));
        assertThatThrownBy(() -> Tls.serverFromKeyStore(certs.keystore, "wrong".toCharArray()))
                .hasMessageContaining("cannot open the key store");
    }

    @Test
    @DisplayName("TLS with authentication: the token travels inside TLS")
    void tlsWithToken() throws Exception {
        server = TestServer.start(ServerConfig.builder(), Tls.serverFromPem(certs.certPem, certs.keyPem),
                AuthTokens.of(java.util.Map.of("tls-token-12345678", "carol")));
        ClientSecurity s = new ClientSecurity(Tls.client(certs.certPem, false), true, "tls-token-12345678");
        Run r = client(s, new StringReader("nick carol\njoin g\npost g hi\n")).get(30, TimeUnit.SECONDS);
        assertThat(r.out()).startsWith("welcome, carol").endsWith("message posted to g by carol: hi\n");
        assertThat(r.code()).isZero();
    }

    @Test
    @DisplayName("a client that does not trust the certificate refuses to connect, and says why")
    void untrusted() throws Exception {
        server = TestServer.start(ServerConfig.builder(), Tls.serverFromPem(certs.certPem, certs.keyPem), null);
        TestCerts other = TestCerts.make(dir, "other", "EC");
        Run r = client(trusting(other.certPem), new StringReader("join dogs\n")).get(30, TimeUnit.SECONDS);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("parley client: cannot connect to 127.0.0.1:").contains("TLS handshake failed");
        await().atMost(WAIT).until(() ->
                server.scrape().count("parley_connections_closed_total{reason=\"tls_handshake\"}") == 1);
    }

    @Test
    @DisplayName("the plain Parley client at the TLS listener is told, in one line, to use --tls")
    void plainClientGetsTheTlsHint() throws Exception {
        server = TestServer.start(ServerConfig.builder(), Tls.serverFromPem(certs.certPem, certs.keyPem), null);
        QueueInput stdin = new QueueInput();
        stdin.send("join dogs");
        Run r = client(ClientSecurity.NONE, stdin).get(30, TimeUnit.SECONDS);
        stdin.end();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("parley client: the server at " + server.address().getHostString() + ":"
                + server.address().getPort() + " speaks TLS; run the client with --tls\n");
    }

    @Test
    @DisplayName("plain text to the TLS listener, or silence, fails the handshake and is closed (silence after the timeout)")
    void handshakeFailures() throws Exception {
        server = TestServer.start(ServerConfig.builder().tlsHandshakeTimeout(Duration.ofMillis(300)),
                Tls.serverFromPem(certs.certPem, certs.keyPem), null);
        try (TestClient plain = server.connect()) {
            plain.send("{\"Join\":{\"group_name\":\"dogs\"}}");
            // All that comes back is a TLS alert record, then the end.
            assertThat(String.join("\n", plain.readToEnd())).doesNotContain("Error").doesNotContain("dogs");
        }
        try (TestClient silent = server.connect()) {
            long t0 = System.nanoTime();
            assertThat(silent.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
        await().atMost(WAIT).until(() ->
                server.scrape().count("parley_connections_closed_total{reason=\"tls_handshake\"}") == 2);
        assertThat(server.chat.groups().size()).isZero();
    }

    @Test
    @DisplayName("over TLS, the connection limit's Error and the shutdown notice arrive intact, then a clean end")
    void noticesOverTls() throws Exception {
        server = TestServer.start(ServerConfig.builder().maxConnections(1),
                Tls.serverFromPem(certs.certPem, certs.keyPem), null);
        SSLContext ctx = Tls.client(certs.certPem, false);
        try (TlsLines first = TlsLines.connect(ctx, server.address().getPort())) {
            first.send("{\"List\":{}}");
            assertThat(first.read()).isEqualTo("{\"Groups\":[]}");
            try (TlsLines second = TlsLines.connect(ctx, server.address().getPort())) {
                assertThat(second.read()).isEqualTo("{\"Error\":\"server full: at most 1 connection; closing the connection\"}");
                assertThat(second.read()).isNull();
            }
            Thread closer = Thread.ofVirtual().start(server.chat::close);
            assertThat(first.read()).isEqualTo("{\"Error\":\"server shutting down\"}");
            assertThat(first.read()).isNull(); // close_notify: an orderly end, not a truncation error
            closer.join();
        }
    }

    /** A raw TLS line client. */
    record TlsLines(SSLSocket socket, BufferedReader in) implements AutoCloseable {
        static TlsLines connect(SSLContext ctx, int port) throws Exception {
            Socket plain = new Socket("127.0.0.1", port);
            SSLSocket s = Tls.overConnected(ctx, plain, "127.0.0.1", true);
            s.setSoTimeout(10_000);
            s.startHandshake();
            return new TlsLines(s, new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8)));
        }

        void send(String line) throws Exception {
            socket.getOutputStream().write((line + "\n").getBytes(UTF_8));
        }

        String read() throws Exception {
            return in.readLine();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    @Test
    @DisplayName("PEM keys in the older forms openssl writes (PKCS#1 RSA, SEC1 EC) serve TLS too")
    void traditionalPemKeys() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/openssl"))).as("openssl is installed").isTrue();
        Path rsa = dir.resolve("rsa1.pem");
        Path ec = dir.resolve("sec1.pem");
        openssl("genrsa", "-traditional", "-out", rsa.toString(), "2048");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ec.toString());
        assertThat(Files.readString(rsa)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(ec)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        for (Path key : List.of(rsa, ec)) {
            Path cert = dir.resolve(key.getFileName() + ".crt");
            openssl("req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2", "-out", cert.toString());
            server = TestServer.start(ServerConfig.builder(), Tls.serverFromPem(cert, key), null);
            Run r = client(trusting(cert), new StringReader("join k\npost k key " + key.getFileName() + "\n"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(r.out()).isEqualTo("message posted to k: key " + key.getFileName() + "\n");
            server.close();
            server = null;
        }
        assertThat(PemFiles.privateKey(rsa).getAlgorithm()).isEqualTo("RSA");
        assertThat(PemFiles.privateKey(ec).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    @DisplayName("key files that cannot be used are refused with a reason")
    void badKeyFiles() throws Exception {
        Path encrypted = dir.resolve("enc.pem");
        Files.writeString(encrypted, TestCerts.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).hasMessageContaining("the key is encrypted");
        assertThatThrownBy(() -> PemFiles.privateKey(certs.certPem)).hasMessageContaining("no PEM private key");
        assertThatThrownBy(() -> PemFiles.certificates(certs.keyPem)).hasMessageContaining(certs.keyPem.toString());
        TestCerts other = TestCerts.make(dir, "mismatch", "EC");
        assertThatThrownBy(() -> Tls.serverFromPem(certs.certPem, other.keyPem)).hasMessageContaining("does not fit");
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }
}
