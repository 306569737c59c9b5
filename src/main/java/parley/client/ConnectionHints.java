package parley.client;

import java.net.InetSocketAddress;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * Connection failures told as what to do about them, in one line and without Java's exception
 * names: a plain client talking to a TLS port, a TLS client talking to a plain one, and a server
 * certificate this client does not trust or that names another host.
 */
final class ConnectionHints {
    private ConnectionHints() {}

    /**
     * TLS record types a TLS server sends to a client that did not start a handshake: an alert
     * (0x15) or handshake bytes (0x16). No JSON reply starts with either.
     */
    static boolean looksLikeTls(byte first) {
        return first == 0x15 || first == 0x16;
    }

    static String speaksTls(InetSocketAddress a) {
        return "the server at " + ChatClient.show(a) + " speaks TLS; run the client with --tls";
    }

    /**
     * Why a TLS handshake failed, for the user: the hint when the cause is one we can name, else
     * the JDK's own words (the innermost message, which names no class).
     *
     * @param customCa the client was given {@code --tls-ca} (so the JDK's CAs were not the ones tried)
     */
    static String handshakeFailed(Throwable e, InetSocketAddress a, boolean customCa) {
        if (has(e, CertPathBuilderException.class) || has(e, CertPathValidatorException.class)) {
            return customCa
                    ? "the server's certificate is not signed by the CA given with --tls-ca; give the right CA FILE"
                    : "the server's certificate is not trusted by this JDK; give its CA with --tls-ca FILE";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertificateException && (m.contains("subject alternative") || m.contains("No name matching"))) {
                return "the server's certificate does not name " + a.getHostString()
                        + "; connect by a name it has, or use --tls-insecure (for tests only)";
            }
            if (t instanceof SSLException && m.contains("nrecognized SSL message")) {
                return "the server at " + ChatClient.show(a) + " does not speak TLS; run the client without --tls";
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause().getMessage() != null) root = root.getCause();
        return String.valueOf(root.getMessage());
    }

    private static boolean has(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) return true;
        }
        return false;
    }
}
