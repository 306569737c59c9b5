package parley.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files with the JDK only: X.509 certificates (a chain, leaf first) and an unencrypted
 * private key in any of the three common forms: PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl genpkey} writes), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1
 * ({@code BEGIN EC PRIVATE KEY}). The last two are wrapped into PKCS#8 here, which takes a few
 * bytes of DER rather than a crypto library.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** rsaEncryption, 1.2.840.113549.1.1.1, as DER. */
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1, as DER. */
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final String[] ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private PemFiles() {}

    /** Every certificate in the file, in file order (leaf first, as servers send a chain). */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new CertificateException(file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new CertificateException(file + ": no certificate found");
        return out;
    }

    /** The first private key in the file. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (!label.endsWith("PRIVATE KEY")) continue;
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            return switch (label) {
                case "PRIVATE KEY" -> pkcs8(der, file);
                case "RSA PRIVATE KEY" -> pkcs8(wrap(RSA_OID, new byte[] {0x05, 0x00}, der), file);
                case "EC PRIVATE KEY" -> pkcs8(wrap(EC_OID, ecCurve(der, file), der), file);
                case "ENCRYPTED PRIVATE KEY" -> throw new GeneralSecurityException(file
                        + ": the key is encrypted; give an unencrypted one (openssl pkcs8 -in KEY -nocrypt -out KEY.pem) "
                        + "or use a PKCS#12 key store with a password");
                default -> throw new GeneralSecurityException(file + ": unsupported key type '" + label + "'");
            };
        }
        throw new GeneralSecurityException(file + ": no PEM private key found (expected BEGIN PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm; try the next
            }
        }
        throw new GeneralSecurityException(file + ": not a private key of a supported algorithm ("
                + String.join(", ", ALGORITHMS) + ")");
    }

    /** PKCS#8: SEQUENCE { INTEGER 0, SEQUENCE { algorithm OID, parameters }, OCTET STRING key }. */
    private static byte[] wrap(byte[] algorithm, byte[] parameters, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algId = der(0x30, concat(algorithm, parameters));
        return der(0x30, concat(version, algId, der(0x04, key)));
    }

    /**
     * The curve OID of a SEC1 key: ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING,
     * [0] parameters (the curve's OID), [1] publicKey }. OpenSSL always writes the [0] field.
     */
    private static byte[] ecCurve(byte[] der, Path file) throws GeneralSecurityException {
        int[] pos = {0};
        expect(der, pos, 0x30, file);
        readLength(der, pos);
        int end = der.length;
        while (pos[0] < end) {
            int tag = der[pos[0]++] & 0xff;
            int len = readLength(der, pos);
            if (tag == 0xa0) {
                byte[] oid = new byte[len];
                System.arraycopy(der, pos[0], oid, 0, len);
                return oid; // an OBJECT IDENTIFIER, tag and length included
            }
            pos[0] += len;
        }
        throw new GeneralSecurityException(file + ": EC key names no curve");
    }

    private static void expect(byte[] der, int[] pos, int tag, Path file) throws GeneralSecurityException {
        if (pos[0] >= der.length || (der[pos[0]++] & 0xff) != tag) {
            throw new GeneralSecurityException(file + ": malformed key");
        }
    }

    private static int readLength(byte[] der, int[] pos) {
        int first = der[pos[0]++] & 0xff;
        if (first < 0x80) return first;
        int n = 0;
        for (int i = 0; i < (first & 0x7f); i++) n = (n << 8) | (der[pos[0]++] & 0xff);
        return n;
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
