package parley.bench;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Reads durations as people write them: {@code 10} or {@code 2.5} (seconds), {@code 500ms}, {@code 10s}, {@code 2m}. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            double n;
            long unit;
            if (v.endsWith("ms")) {
                n = Double.parseDouble(v.substring(0, v.length() - 2));
                unit = 1_000_000L;
            } else if (v.endsWith("s")) {
                n = Double.parseDouble(v.substring(0, v.length() - 1));
                unit = 1_000_000_000L;
            } else if (v.endsWith("m")) {
                n = Double.parseDouble(v.substring(0, v.length() - 1));
                unit = 60_000_000_000L;
            } else {
                n = Double.parseDouble(v);
                unit = 1_000_000_000L;
            }
            if (!(n >= 0) || Double.isInfinite(n) || n * unit > Long.MAX_VALUE / 2) throw new NumberFormatException();
            return Duration.ofNanos(Math.round(n * unit));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 10, 2.5s, 500ms or 2m");
        }
    }
}
