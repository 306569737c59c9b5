package parley.cluster;

import java.nio.charset.StandardCharsets;

/**
 * Group names as NATS subject tokens. A name may hold any character, including the ones a subject
 * gives meaning to ({@code . * >} and white space), so every byte outside {@code A-Z a-z 0-9 _ -}
 * of its UTF-8 form is written {@code ~XX} (upper-case hex): {@code dogs} stays {@code dogs},
 * {@code a.b} becomes {@code a~2Eb}. The encoding is one-to-one, so two names never share a
 * subject.
 */
public final class Subjects {
    /** Subjects of the posts: {@code parley.g.<token>}. */
    public static final String POSTS = "parley.g.";
    /** Subjects of the "this group was created" markers: {@code parley.e.<token>}. */
    public static final String MARKERS = "parley.e.";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Subjects() {}

    public static String posts(String group) {
        return POSTS + token(group);
    }

    public static String marker(String group) {
        return MARKERS + token(group);
    }

    public static String token(String group) {
        int n = group.length();
        int i = 0;
        while (i < n && plain(group.charAt(i))) i++;
        if (i == n) return group;
        StringBuilder b = new StringBuilder(n + 16).append(group, 0, i);
        for (byte x : group.substring(i).getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if (plain(c)) {
                b.append(c);
            } else {
                b.append('~').append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
            }
        }
        return b.toString();
    }

    private static boolean plain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
