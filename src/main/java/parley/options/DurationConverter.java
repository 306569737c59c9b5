package parley.options;

import java.time.Duration;
import picocli.CommandLine;

/** Reads durations the way operators write them: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 12h}, {@code 30d}, or ISO-8601. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** A duration as an operator would write it: 30s, 500ms, 2m, 30d. */
    public static String format(Duration d) {
        if (d.toNanos() % 1_000_000 != 0) return d.toNanos() / 1000 + "us";
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** As {@link #convert}, for constants. */
    public static Duration parse(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.equals("0")) return Duration.ZERO;
            if (v.endsWith("us")) return Duration.ofNanos(Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 2)), 1000L));
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            if (v.endsWith("m")) return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            if (v.endsWith("h")) return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            if (v.endsWith("d")) return Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
            return Duration.parse(value.strip());
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 5s or 2m");
        }
    }
}
