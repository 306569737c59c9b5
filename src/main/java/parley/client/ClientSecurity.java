package parley.client;

import javax.net.ssl.SSLContext;

/**
 * How the client connects beyond plain TCP: over TLS ({@code tls} non-null; {@code verifyHost}
 * checks that the certificate names the host, as HTTPS does) and with a token it sends as its
 * first request ({@code token} non-null). {@code customCa} says the TLS context trusts the CA of
 * {@code --tls-ca} rather than the JDK's, for the hint when the server's certificate is not trusted.
 */
public record ClientSecurity(SSLContext tls, boolean verifyHost, String token, boolean customCa) {
    public static final ClientSecurity NONE = new ClientSecurity(null, false, null);

    public ClientSecurity(SSLContext tls, boolean verifyHost, String token) {
        this(tls, verifyHost, token, false);
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ClientSecurity[tls=" + (tls != null) + ", verifyHost=" + verifyHost + ", token="
                + (token == null ? "none" : "<redacted>") + ", customCa=" + customCa + "]";
    }
}
