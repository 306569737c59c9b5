package parley.client;

import javax.net.ssl.SSLContext;

/**
 * How the client connects beyond plain TCP: over TLS ({@code tls} non-null; {@code verifyHost}
 * checks that the certificate names the host, as HTTPS does) and with a token it sends as its
 * first request ({@code token} non-null).
 */
public record ClientSecurity(SSLContext tls, boolean verifyHost, String token) {
    public static final ClientSecurity NONE = new ClientSecurity(null, false, null);

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ClientSecurity[tls=" + (tls != null) + ", verifyHost=" + verifyHost + ", token="
                + (token == null ? "none" : "<redacted>") + "]";
    }
}
