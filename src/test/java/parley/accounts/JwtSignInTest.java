package parley.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import parley.net.ChatServer;
import parley.server.GroupBus;
import parley.server.SignIn;
import parley.server.SignInTokens;
import parley.server.Store;
import parley.testing.Harness;
import parley.testing.TestClient;

/** Sign-in with JWTs signed by the test: HS256 and ES256, the claims, alg none, expiry while connected. */
@DisplayName("JWT sign-in")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JwtSignInTest {
    private static final byte[] SECRET = "an HS256 secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private ChatServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static JwtVerifier hs256(String audience, String issuer, Duration leeway) {
        return new JwtVerifier(JwtKeys.hmac(SECRET, "test"), audience, issuer, leeway);
    }

    /** A token for {@code sub} valid from {@code nbfSeconds} to {@code expSeconds} from now (null: not set). */
    static String token(JWSSigner signer, JWSAlgorithm alg, String sub, Long nbfSeconds, Long expSeconds, String aud)
            throws Exception {
        long now = System.currentTimeMillis();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().subject(sub).issuer("https://id.example.org");
        if (expSeconds != null) c.expirationTime(new Date(now + expSeconds * 1000));
        if (nbfSeconds != null) c.notBeforeTime(new Date(now + nbfSeconds * 1000));
        if (aud != null) c.audience(aud);
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), c.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String hsToken(String sub, Long nbf, Long exp, String aud) throws Exception {
        return token(new MACSigner(SECRET), JWSAlgorithm.HS256, sub, nbf, exp, aud);
    }

    private static String reason(SignInTokens v, String token) {
        try {
            v.verify(token);
            return "accepted";
        } catch (SignInTokens.Refused e) {
            return e.getMessage();
        }
    }

    @Test
    @DisplayName("HS256: valid, expired, not yet valid, wrong key, wrong audience, wrong issuer; alg none refused")
    void hs256Claims() throws Exception {
        JwtVerifier v = hs256("parley", "https://id.example.org", Duration.ofSeconds(5));
        assertThat(v.verify(hsToken("alice", null, 60L, "parley")).subject()).isEqualTo("alice");
        assertThat(reason(v, hsToken("alice", null, -60L, "parley"))).isEqualTo("token expired");
        assertThat(reason(v, hsToken("alice", 60L, 120L, "parley"))).isEqualTo("token not yet valid");
        assertThat(reason(v, token(new MACSigner("another secret that is also 32 bytes long!".getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS256, "alice", null, 60L, "parley"))).isEqualTo("bad signature");
        assertThat(reason(v, hsToken("alice", null, 60L, "elsewhere"))).isEqualTo("wrong audience");
        assertThat(reason(hs256(null, "https://other.example.org", Duration.ZERO), hsToken("alice", null, 60L, null)))
                .isEqualTo("wrong issuer");
        assertThat(reason(v, hsToken("alice", null, null, "parley"))).isEqualTo("token lacks sub or exp");
        // Within the leeway, a token just past its exp is still good.
        assertThat(reason(v, hsToken("alice", null, -2L, "parley"))).isEqualTo("accepted");
        // alg none: an unsigned token, and one claiming none with the real token's signature.
        String plain = new PlainJWT(new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).audience("parley").build()).serialize();
        assertThat(reason(v, plain)).isEqualTo("unsigned token (alg none)");
        String real = hsToken("alice", null, 60L, "parley");
        String noneHeader = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(reason(v, noneHeader + real.substring(real.indexOf('.')))).isNotEqualTo("accepted");
    }

    @Test
    @DisplayName("ES256 from a PEM public key and from a JWKS file; an HS256 token is refused by an EC key")
    void es256(@TempDir Path dir) throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ec.toECPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        Path jwks = dir.resolve("keys.json");
        Files.writeString(jwks, new JWKSet(ec.toPublicJWK()).toString());
        String good = token(new ECDSASigner(ec), JWSAlgorithm.ES256, "erin", null, 60L, null);
        for (Path file : new Path[] {pem, jwks}) {
            JwtVerifier v = new JwtVerifier(JwtKeys.load(file), null, null, Duration.ofSeconds(5));
            assertThat(v.verify(good).subject()).isEqualTo("erin");
            assertThat(reason(v, hsToken("erin", null, 60L, null))).isEqualTo("bad signature");
            ECKey other = new ECKeyGenerator(Curve.P_256).generate();
            assertThat(reason(v, token(new ECDSASigner(other), JWSAlgorithm.ES256, "erin", null, 60L, null)))
                    .isEqualTo("bad signature");
        }
        Path shortSecret = dir.resolve("short");
        Files.writeString(shortSecret, "too short");
        assertThatThrownBy(() -> JwtKeys.load(shortSecret)).hasMessageContaining("at least 32 bytes");
    }

    private InetSocketAddress start(JwtVerifier v) throws Exception {
        server = ChatServer.start(Harness.loopback(), GroupBus.LOCAL, Store.NONE, null, null,
                new SignIn(AccountBook.inMemory(), v, true, false));
        return new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    private static String auth(String token) {
        return "{\"Auth\":{\"token\":\"" + token + "\"}}";
    }

    @Test
    @DisplayName("Auth with a JWT signs in as its sub, which is then a registered name; a bad one gets an Error")
    void authOverTheWire() throws Exception {
        InetSocketAddress at = start(hs256(null, null, Duration.ofSeconds(5)));
        try (TestClient a = TestClient.connect(at); TestClient b = TestClient.connect(at)) {
            a.send(auth(hsToken("frank", null, -60L, null)));
            a.expectLine("{\"Error\":\"authentication failed: token expired\"}");
            a.send(auth(hsToken("frank", null, 600L, null)));
            AccountsTest.expectAccountWelcome(a, "frank");
            b.send("{\"Hello\":{\"name\":\"frank\"}}");
            b.expectLine("{\"Error\":\"name 'frank' is registered; sign in to use it\"}");
            b.send(auth(hsToken("frank", null, 600L, null)));
            AccountsTest.expectAccountWelcome(b, "frank"); // a second connection of the same account
            b.send(auth(hsToken("gina", null, 600L, null)));
            b.expectLine("{\"Error\":\"signed in as 'frank': a token for another account cannot switch to it\"}");
        }
    }

    @Test
    @DisplayName("with --auth-tokens, a JWT or a Login passes the gate; a bad JWT there closes the connection")
    void behindStaticTokens() throws Exception {
        AccountBook book = AccountBook.inMemory();
        book.add("kim", "kim's password");
        server = ChatServer.start(Harness.loopback(), GroupBus.LOCAL, Store.NONE, null,
                parley.auth.AuthTokens.of(java.util.Map.of("static-token-0123", "bot")),
                new SignIn(book, hs256(null, null, Duration.ofSeconds(5)), true, false));
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.address().getPort());
        try (TestClient jwt = TestClient.connect(at); TestClient pw = TestClient.connect(at);
             TestClient bad = TestClient.connect(at); TestClient bot = TestClient.connect(at)) {
            jwt.send(auth(hsToken("lena", null, 600L, null)));
            AccountsTest.expectAccountWelcome(jwt, "lena");
            pw.send(AccountsTest.login("kim", "wrong"));
            pw.expectLine("{\"Error\":\"wrong name or password\"}");
            pw.send(AccountsTest.login("kim", "kim's password"));
            AccountsTest.expectAccountWelcome(pw, "kim");
            bad.send(auth(hsToken("lena", null, -600L, null)));
            bad.expectLine("{\"Error\":\"authentication failed: token expired; closing the connection\"}");
            bad.expectClosed(WAIT);
            bot.send(auth("static-token-0123")).send("{\"Hello\":{\"name\":\"bot\"}}");
            assertThat(bot.readLine(WAIT)).startsWith("{\"Welcome\":{\"name\":\"bot\"").doesNotContain("account");
        }
    }

    @Test
    @DisplayName("a connection whose token expires gets an Error and is closed; a fresh Auth before expiry keeps it")
    void expiryWhileConnected() throws Exception {
        InetSocketAddress at = start(hs256(null, null, Duration.ZERO));
        try (TestClient shortLived = TestClient.connect(at); TestClient refreshed = TestClient.connect(at)) {
            shortLived.send(auth(hsToken("hana", null, 2L, null)));
            AccountsTest.expectAccountWelcome(shortLived, "hana");
            refreshed.send(auth(hsToken("ivan", null, 2L, null)));
            AccountsTest.expectAccountWelcome(refreshed, "ivan");
            refreshed.send(auth(hsToken("ivan", null, 600L, null)));
            AccountsTest.expectAccountWelcome(refreshed, "ivan");
            shortLived.expectLine("{\"Error\":\"sign-in token expired (send a fresh {\\\"Auth\\\":{\\\"token\\\":\\\"...\\\"}} "
                    + "before it does); closing the connection\"}", WAIT);
            shortLived.expectClosed(WAIT);
            // The refreshed one outlives the first token's expiry, and still works.
            refreshed.join("dogs").post("dogs", "still here");
            assertThat(refreshed.until(p -> p instanceof parley.protocol.FromServer.Message, WAIT)).isNotEmpty();
        }
    }
}
