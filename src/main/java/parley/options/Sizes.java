package parley.options;

import java.util.Locale;

/**
 * Sizes in bytes as an operator writes them, the way the JVM's {@code -Xmx} takes them: a whole
 * number of bytes, or one followed by {@code k}, {@code m} or {@code g} (powers of 1024).
 */
public final class Sizes {
    private Sizes() {}

    /** Parses {@code 65536}, {@code 64k}, {@code 512m} or {@code 1g}; throws IllegalArgumentException otherwise. */
    public static long parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) throw new IllegalArgumentException("no size given");
        int shift = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        long n = Long.parseLong(digits);
        if (n < 0 || n > (Long.MAX_VALUE >> shift)) throw new IllegalArgumentException("size out of range: " + text);
        return n << shift;
    }

    /** The shortest exact form: {@code 1g} for 1073741824, {@code 1536m}, {@code 1000}. */
    public static String format(long bytes) {
        for (int shift = 30; shift >= 10; shift -= 10) {
            if (bytes != 0 && bytes % (1L << shift) == 0) return (bytes >> shift) + (shift == 30 ? "g" : shift == 20 ? "m" : "k");
        }
        return Long.toString(bytes);
    }
}
