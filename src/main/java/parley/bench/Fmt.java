package parley.bench;

import java.util.Locale;

/** Number formatting for the text report. */
final class Fmt {
    private Fmt() {}

    /** A latency given in microseconds, in the unit that reads best: 45.1us, 1.23ms, 2.50s. */
    static String micros(double us) {
        if (us < 1000) return String.format(Locale.ROOT, "%.1fus", us);
        if (us < 1_000_000) return String.format(Locale.ROOT, "%.2fms", us / 1000);
        return String.format(Locale.ROOT, "%.2fs", us / 1_000_000);
    }

    static String percent(double p) {
        if (p == Math.rint(p)) return String.format(Locale.ROOT, "%.0f", p);
        String s = String.format(Locale.ROOT, "%.3f", p).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f/s", perSecond);
    }

    static String seconds(java.time.Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) return (ms / 1000) + "s";
        String s = String.format(Locale.ROOT, "%.3f", ms / 1000.0).replaceAll("0+$", "");
        return s + "s";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
