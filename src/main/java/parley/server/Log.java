package parley.server;

import java.io.PrintStream;
import java.time.Instant;

/**
 * One line per event on standard error: time, level, message. Small on purpose; message
 * contents never go into a log line, only sizes, names and peers.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static volatile Level threshold = Level.INFO;
    private static final PrintStream OUT = System.err;

    private Log() {}

    public static void setLevel(Level level) {
        threshold = level;
    }

    public static boolean enabled(Level level) {
        return level.ordinal() >= threshold.ordinal();
    }

    public static void debug(String msg) {
        log(Level.DEBUG, msg);
    }

    public static void info(String msg) {
        log(Level.INFO, msg);
    }

    public static void warn(String msg) {
        log(Level.WARN, msg);
    }

    public static void error(String msg, Throwable t) {
        log(Level.ERROR, msg + ": " + t);
    }

    private static void log(Level level, String msg) {
        if (!enabled(level)) return;
        OUT.println(Instant.now() + " " + level + " " + msg);
    }
}
