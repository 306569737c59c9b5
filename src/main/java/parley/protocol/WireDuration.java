package parley.protocol;

import java.time.Duration;

/**
 * The {@code "for"} field of Ban, Mute and Suspend: a whole number and a unit, {@code "90s"},
 * {@code "10m"}, {@code "24h"}, {@code "7d"}, {@code "2w"}; at most ten years, so an end time in
 * milliseconds can never overflow.
 */
public final class WireDuration {
    private static final Duration MAX = Duration.ofDays(3653);

    private WireDuration() {}

    /** The duration {@code text} names, or a ProtocolException naming the field of {@code variant}. */
    public static Duration parse(String variant, String text) throws ProtocolException {
        Duration d = parseOrNull(text);
        if (d == null) {
            throw new ProtocolException("field 'for' of " + variant
                    + " must be a duration such as \"10m\", \"24h\" or \"7d\" (s, m, h, d or w; at most 3653d)");
        }
        return d;
    }

    /** The duration {@code text} names, or null if it names none (for the client's command parser). */
    public static Duration parseOrNull(String text) {
        int n = text.length();
        if (n < 2 || n > 10) return null;
        long amount = 0;
        for (int i = 0; i < n - 1; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return null;
            amount = amount * 10 + (c - '0');
        }
        if (amount == 0) return null;
        Duration d = switch (text.charAt(n - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            case 'w' -> Duration.ofDays(7 * amount);
            default -> null;
        };
        return d == null || d.compareTo(MAX) > 0 ? null : d;
    }

    /** The shortest text for {@code d} in the largest unit that divides it ({@code 7d}, {@code 90m}). */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) return s / 86_400 + "d";
        if (s % 3_600 == 0) return s / 3_600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }
}
