package parley.accounts;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import parley.server.SignInTokens;

/**
 * Verifies sign-in JWTs with nimbus-jose-jwt: the signature with {@link JwtKeys} (only the
 * algorithms its key allows; unsigned {@code alg: none} tokens are refused before anything else),
 * then the claims: {@code sub} and {@code exp} required, {@code exp} and {@code nbf} checked with
 * the leeway, and {@code aud} and {@code iss} when configured.
 */
public final class JwtVerifier implements SignInTokens {
    /** The default leeway for {@code exp} and {@code nbf}: clocks of issuer and server may differ this much. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(5);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final long leewayMillis;

    /**
     * @param audience the {@code aud} a token must name, or null for any
     * @param issuer   the {@code iss} a token must have, or null for any
     */
    public JwtVerifier(JwtKeys keys, String audience, String issuer, Duration leeway) {
        this.leewayMillis = leeway.toMillis();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(keys.algorithms(), keys.source()));
        Set<String> required = new HashSet<>(Set.of("sub", "exp"));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) exact.issuer(issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience == null ? null : Set.of(audience), exact.build(), required, null);
        claims.setMaxClockSkew((int) leeway.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    @Override
    public Verified verify(String token) throws Refused {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new Refused("not a JWT");
        }
        // Refused explicitly, whatever the library would do: an unsigned token proves nothing.
        if (jwt instanceof PlainJWT || Algorithm.NONE.equals(jwt.getHeader().getAlgorithm())) {
            throw new Refused("unsigned token (alg none)");
        }
        if (!(jwt instanceof SignedJWT signed)) throw new Refused("an encrypted token cannot be used");
        try {
            JWTClaimsSet c = processor.process(signed, null);
            return new Verified(c.getSubject(), c.getExpirationTime().getTime() + leewayMillis);
        } catch (BadJOSEException e) {
            throw new Refused(reason(e.getMessage()));
        } catch (JOSEException e) {
            throw new Refused("signature could not be checked");
        }
    }

    /** A short reason for the client, from the library's words (which vary between versions). */
    static String reason(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("expired")) return "token expired";
        if (m.contains("before use")) return "token not yet valid";
        if (m.contains("audience") || m.contains("aud claim")) return "wrong audience";
        if (m.contains("missing required claims")) return "token lacks sub or exp"; // before "iss": "missing"
        if (m.contains("iss")) return "wrong issuer";
        if (m.contains("signature") || m.contains("key") || m.contains("algorithm")) return "bad signature";
        return "invalid token";
    }
}
