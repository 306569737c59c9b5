package parley.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (RFC 9106, BouncyCastle's implementation), kept as PHC strings
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}), so that a stored hash carries its own
 * parameters and stronger ones can be adopted later without invalidating old hashes.
 *
 * <p>The defaults are OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane, a 16-byte
 * random salt and a 32-byte hash. One hash takes tens of milliseconds on one core (see
 * docs/accounts.md for the figure measured by {@link HashBenchmark}): cheap for one sign-in, slow
 * for a guesser, and bounded per server by {@link HashPool}.
 *
 * <p>Stateless apart from its parameters; any thread.
 */
public final class PasswordHasher {
    /** The cost of a hash: memory in KiB, passes over it, and lanes. */
    public record Params(int memoryKiB, int iterations, int parallelism) {
        /** OWASP's recommended minimum for Argon2id. */
        public static final Params DEFAULT = new Params(19 * 1024, 2, 1);
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private final SecureRandom random = new SecureRandom();
    private final Params params;

    public PasswordHasher(Params params) {
        this.params = params;
    }

    public Params params() {
        return params;
    }

    /** A new salted hash of {@code password}, as a PHC string. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = argon2(password, salt, params, HASH_BYTES);
        return "$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p=" + params.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(h);
    }

    /** Whether {@code password} is the one {@code phc} was made from; false for anything malformed. */
    public boolean verify(String password, String phc) {
        String[] parts = phc.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) return false;
        try {
            Params p = parse(parts[3]);
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            return MessageDigest.isEqual(expected, argon2(password, salt, p, expected.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Params parse(String text) {
        int m = 0, t = 0, p = 0;
        for (String kv : text.split(",")) {
            String[] x = kv.split("=", 2);
            if (x.length != 2) throw new IllegalArgumentException("bad parameters");
            int v = Integer.parseInt(x[1]);
            switch (x[0]) {
                case "m" -> m = v;
                case "t" -> t = v;
                case "p" -> p = v;
                default -> throw new IllegalArgumentException("bad parameter " + x[0]);
            }
        }
        // A hash from elsewhere must not make one sign-in cost gigabytes.
        if (m < 8 || m > 1 << 20 || t < 1 || t > 16 || p < 1 || p > 16) throw new IllegalArgumentException("parameters out of range");
        return new Params(m, t, p);
    }

    private static byte[] argon2(String password, byte[] salt, Params p, int length) {
        Argon2Parameters a = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKiB()).withIterations(p.iterations()).withParallelism(p.parallelism())
                .withSalt(salt).build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(a);
        byte[] out = new byte[length];
        g.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
