package parley.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates made at test time with the JDK's own {@code keytool} (no crypto library
 * in the tests either): a self-signed certificate for localhost and 127.0.0.1 in a PKCS#12 key
 * store, and the same key and certificate exported as PEM files.
 */
public final class TestCerts {
    public static final String PASSWORD = "test-password";

    public final Path keystore;
    public final Path certPem;
    public final Path keyPem;

    private TestCerts(Path keystore, Path certPem, Path keyPem) {
        this.keystore = keystore;
        this.certPem = certPem;
        this.keyPem = keyPem;
    }

    /**
     * Makes a key pair ({@code EC} is fast; {@code RSA} for the PKCS#1 case) and its certificate
     * in {@code dir}, named {@code name}.*
     */
    public static TestCerts make(Path dir, String name, String keyAlg) throws IOException, GeneralSecurityException,
            InterruptedException {
        Path ks = dir.resolve(name + ".p12");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", "parley",
                "-keyalg", keyAlg, "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (keyAlg.equals("EC")) cmd.addAll(List.of("-groupname", "secp256r1"));
        else cmd.addAll(List.of("-keysize", "2048"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance(ks.toFile(), PASSWORD.toCharArray());
        Key key = store.getKey("parley", PASSWORD.toCharArray());
        Certificate cert = store.getCertificate("parley");
        Path certPem = dir.resolve(name + "-cert.pem");
        Path keyPem = dir.resolve(name + "-key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
        return new TestCerts(ks, certPem, keyPem);
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** The keytool beside the running java. */
    static String keytool() {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path kt = java.resolveSibling("keytool");
        return Files.isExecutable(kt) ? kt.toString() : "keytool";
    }
}
