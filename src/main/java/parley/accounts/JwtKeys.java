package parley.accounts;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Set;

/**
 * The key of {@code --jwt-key}, read as Centrifugo and ergo take theirs: a JWKS document
 * ({@code {"keys":[...]}}, RS256 and ES256), a PEM public key ({@code -----BEGIN PUBLIC KEY-----},
 * RSA for RS256 or P-256 EC for ES256), or else an HMAC secret (HS256): the file's text with
 * surrounding white space removed, at least 32 bytes. The algorithms a token may use follow from
 * the key alone, so a token cannot choose a weaker one (nor {@code none}).
 *
 * @param source     where the verifier finds keys
 * @param algorithms the only algorithms accepted
 * @param kind       what the file held, for the start-up log
 */
public record JwtKeys(JWKSource<SecurityContext> source, Set<JWSAlgorithm> algorithms, String kind) {

    /** Reads the key file; a malformed one is refused with what was expected. */
    public static JwtKeys load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        try {
            if (text.startsWith("{")) return jwks(JWKSet.parse(text));
            if (text.startsWith("-----BEGIN")) return pem(text);
        } catch (ParseException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a usable JWKS or PEM public key: " + e.getMessage());
        }
        return hmac(text.getBytes(StandardCharsets.UTF_8), file.toString());
    }

    /** An HMAC secret (HS256); at least 32 bytes, as RFC 7518 requires for HS256. */
    public static JwtKeys hmac(byte[] secret, String where) {
        if (secret.length < 32) {
            throw new IllegalArgumentException(where + ": an HMAC secret must be at least 32 bytes (256 bits)");
        }
        return new JwtKeys(new ImmutableSecret<>(secret), Set.of(JWSAlgorithm.HS256), "hmac");
    }

    /** One public key: RSA (RS256) or EC P-256 (ES256). */
    public static JwtKeys publicKey(PublicKey key) {
        return switch (key) {
            case RSAPublicKey rsa -> jwks(new JWKSet(new RSAKey.Builder(rsa).build()));
            case ECPublicKey ec -> jwks(new JWKSet(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build()));
            default -> throw new IllegalArgumentException("a public key must be RSA or EC, not " + key.getAlgorithm());
        };
    }

    private static JwtKeys jwks(JWKSet set) {
        if (set.getKeys().isEmpty()) throw new IllegalArgumentException("the JWKS holds no keys");
        return new JwtKeys(new ImmutableJWKSet<>(set.toPublicJWKSet()), Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), "public");
    }

    private static JwtKeys pem(String text) throws GeneralSecurityException {
        if (!text.startsWith("-----BEGIN PUBLIC KEY-----")) {
            throw new IllegalArgumentException("expected -----BEGIN PUBLIC KEY----- (an X.509 SubjectPublicKeyInfo)");
        }
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(body));
        try {
            return publicKey(KeyFactory.getInstance("RSA").generatePublic(spec));
        } catch (GeneralSecurityException notRsa) {
            return publicKey(KeyFactory.getInstance("EC").generatePublic(spec));
        }
    }
}
