package parley.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * SSL contexts from key material, and TLS sockets layered over already-connected plain sockets
 * (the server's accepted channels, the client's connected socket), speaking TLS 1.3 only.
 */
public final class Tls {
    /** TLS 1.3 only: its half-close is what lets a client end its input and still read the replies. */
    static final String[] PROTOCOLS = {"TLSv1.3"};

    private Tls() {}

    /** A server context from a PEM certificate chain and its PEM private key. */
    public static SSLContext serverFromPem(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        if (!matches(key, chain.getFirst())) {
            throw new GeneralSecurityException(keyFile + " does not fit " + certFile
                    + ": the key is not the certificate's (the first certificate must be the server's own)");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        try {
            ks.setKeyEntry("parley", key, none, chain.toArray(new X509Certificate[0]));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(keyFile + " does not fit " + certFile + ": " + e.getMessage(), e);
        }
        return serverContext(ks, none);
    }

    /** A server context from a PKCS#12 (or JKS) key store whose key has the store's password. */
    public static SSLContext serverFromKeyStore(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(file.toFile(), password);
        } catch (IOException e) {
            throw new IOException(file + ": cannot open the key store (wrong password, or not PKCS#12/JKS): "
                    + e.getMessage(), e);
        }
        boolean hasKey = false;
        for (String alias : Collections.list(ks.aliases())) hasKey |= ks.isKeyEntry(alias);
        if (!hasKey) throw new GeneralSecurityException(file + ": the key store holds no private key");
        return serverContext(ks, password);
    }

    /**
     * Whether the key belongs to the certificate: a signature made with it must verify with the
     * certificate's public key. Catches the common mistake of a key and certificate from different
     * pairs at start, rather than as handshake failures later.
     */
    static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (alg == null) return true; // no cheap check for this kind; the handshake will tell
        try {
            byte[] probe = "parley key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static SSLContext serverContext(KeyStore ks, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * A client context trusting the certificates in {@code caFile} (a CA, or the server's own
     * self-signed certificate), or the JDK's default CAs when it is null. {@code insecure} trusts
     * anything: for tests against a throwaway certificate only.
     */
    public static SSLContext client(Path caFile, boolean insecure) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        if (insecure) {
            ctx.init(null, new TrustManager[] {new TrustAnything()}, null);
        } else if (caFile != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : PemFiles.certificates(caFile)) trust.setCertificateEntry("ca" + i++, c);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            ctx.init(null, tmf.getTrustManagers(), null);
        } else {
            ctx.init(null, null, null);
        }
        return ctx;
    }

    /** The server side of TLS over an accepted socket; the handshake happens on first use. */
    public static SSLSocket overAccepted(SSLContext ctx, Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        s.setUseClientMode(false);
        s.setEnabledProtocols(PROTOCOLS);
        return s;
    }

    /**
     * The client side of TLS over a connected socket. With {@code verifyHost} the server's
     * certificate must name {@code host} (a DNS name or an IP address in its subject alternative
     * names), as HTTPS requires.
     */
    public static SSLSocket overConnected(SSLContext ctx, Socket plain, String host, boolean verifyHost) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
        s.setUseClientMode(true);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        if (verifyHost) p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        return s;
    }

    /** Accepts every certificate and every host name: {@code --tls-insecure}, for testing. */
    private static final class TrustAnything extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
