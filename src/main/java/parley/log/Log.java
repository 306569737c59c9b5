package parley.log;

import java.io.PrintStream;
import java.time.Instant;

/**
 * One line per event on standard error: {@code time level event key=value ...}, or the same as a
 * JSON object per line ({@code --log-format json}). Small on purpose.
 *
 * <p>What goes in: event names, peers, group and user names, sizes, reasons. What never does:
 * message contents (at any level) and authentication tokens. Values are escaped so a peer's
 * group name cannot break a line in two or forge a key.
 *
 * <p>The one-argument forms ({@code Log.info("text")}) stay for callers that log a sentence; the
 * sentence is the event and is escaped the same way.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    public enum Format { TEXT, JSON }

    private static volatile Level threshold = Level.INFO;
    private static volatile Format format = Format.TEXT;
    private static volatile PrintStream out = System.err;

    private Log() {}

    public static void setLevel(Level level) {
        threshold = level;
    }

    public static Level level() {
        return threshold;
    }

    public static void setFormat(Format f) {
        format = f;
    }

    /** Where lines go; standard error unless a test captures them. */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static boolean enabled(Level level) {
        return level.ordinal() >= threshold.ordinal();
    }

    /** {@code kv} alternates keys and values: {@code Log.info("connection.closed", "peer", p, "reason", r)}. */
    public static void debug(String event, Object... kv) {
        log(Level.DEBUG, event, null, kv);
    }

    public static void info(String event, Object... kv) {
        log(Level.INFO, event, null, kv);
    }

    public static void warn(String event, Object... kv) {
        log(Level.WARN, event, null, kv);
    }

    public static void error(String event, Throwable t) {
        log(Level.ERROR, event, t, new Object[0]);
    }

    public static void error(String event, Throwable t, Object... kv) {
        log(Level.ERROR, event, t, kv);
    }

    public static void log(Level level, String event, Throwable t, Object... kv) {
        if (!enabled(level)) return;
        out.println(line(format, Instant.now(), level, event, t, kv));
    }

    /** One formatted line, without its terminator. */
    static String line(Format f, Instant time, Level level, String event, Throwable t, Object... kv) {
        StringBuilder b = new StringBuilder(96);
        if (f == Format.JSON) {
            b.append("{\"time\":\"").append(time).append("\",\"level\":\"").append(level).append("\",\"event\":");
            jsonString(b, event);
            for (int i = 0; i + 1 < kv.length; i += 2) {
                b.append(',');
                jsonString(b, String.valueOf(kv[i]));
                b.append(':');
                Object v = kv[i + 1];
                if (v instanceof Number || v instanceof Boolean) b.append(v);
                else jsonString(b, String.valueOf(v));
            }
            if (t != null) {
                b.append(",\"error\":");
                jsonString(b, String.valueOf(t));
            }
            return b.append('}').toString();
        }
        b.append(time).append(' ').append(level).append(' ');
        escape(b, event);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            b.append(' ').append(kv[i]).append('=');
            textValue(b, String.valueOf(kv[i + 1]));
        }
        if (t != null) {
            b.append(" error=");
            textValue(b, String.valueOf(t));
        }
        return b.toString();
    }

    /** Bare if it is one plain word, else quoted; control characters always escaped. */
    private static void textValue(StringBuilder b, String v) {
        boolean plain = !v.isEmpty();
        for (int i = 0; i < v.length() && plain; i++) {
            char c = v.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f;
        }
        if (plain) {
            b.append(v);
            return;
        }
        b.append('"');
        escape(b, v);
        b.append('"');
    }

    private static void jsonString(StringBuilder b, String v) {
        b.append('"');
        escape(b, v);
        b.append('"');
    }

    /** JSON-style escapes, which also keep a text line on one line. */
    private static void escape(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
