package parley.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The tokens that may connect, and the user each one signs in as, read from a file of lines
 * {@code TOKEN USERNAME} ({@code #} starts a comment; blank lines are ignored).
 *
 * <p>Only SHA-256 digests of the tokens are kept, and lookups go by digest: the tokens are not in
 * memory to leak into a heap dump or a log, and a lookup's timing says nothing about how much of
 * a guessed token was right.
 */
public final class AuthTokens {
    private final Map<String, String> userByDigest;

    private AuthTokens(Map<String, String> userByDigest) {
        this.userByDigest = userByDigest;
    }

    /** Reads a tokens file; a malformed line is refused with its line number (never its token). */
    public static AuthTokens load(Path file, int maxNameChars) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, String> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] parts = line.split("\\s+");
            String where = file + " line " + (i + 1);
            if (parts.length != 2) {
                throw new IllegalArgumentException(where + ": expected 'TOKEN USERNAME'");
            }
            String token = parts[0];
            String user = parts[1];
            if (token.length() < 8) {
                throw new IllegalArgumentException(where + ": a token must be at least 8 characters");
            }
            if (user.length() > maxNameChars || !user.chars().allMatch(AuthTokens::nameChar)) {
                throw new IllegalArgumentException(where + ": user name '" + user + "' must be 1 to " + maxNameChars
                        + " of the characters A-Z a-z 0-9 _ - .");
            }
            if (users.put(digest(token), user) != null) {
                throw new IllegalArgumentException(where + ": the same token appears twice");
            }
        }
        if (users.isEmpty()) throw new IllegalArgumentException(file + ": no tokens");
        return new AuthTokens(Map.copyOf(users));
    }

    /** Tokens given directly, for tests and embedding: token to user. */
    public static AuthTokens of(Map<String, String> tokens) {
        Map<String, String> users = new HashMap<>();
        tokens.forEach((t, u) -> users.put(digest(t), u));
        return new AuthTokens(Map.copyOf(users));
    }

    /** The user this token signs in as, or null if it is not one of ours. */
    public String userFor(String token) {
        return userByDigest.get(digest(token));
    }

    public int size() {
        return userByDigest.size();
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static boolean nameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.';
    }
}
