package parley.log;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends java.util.logging (Helidon logs through it, via System.Logger) to {@link Log}, so the
 * server's standard error has one format, one line per event, instead of JUL's default two-line
 * records in between.
 */
public final class JulBridge extends Handler {
    /** Only for its {@code formatMessage}, which fills in a record's {0} parameters. */
    private static final Formatter MESSAGE = new SimpleFormatter();

    private JulBridge() {}

    /** Replaces every JUL handler with this one, at the level matching {@link Log}'s. */
    public static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.addHandler(new JulBridge());
        root.setLevel(switch (Log.level()) {
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARN -> Level.WARNING;
            case ERROR -> Level.SEVERE;
        });
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null) return;
        int v = r.getLevel().intValue();
        Log.Level level = v >= Level.SEVERE.intValue() ? Log.Level.ERROR
                : v >= Level.WARNING.intValue() ? Log.Level.WARN
                : v >= Level.INFO.intValue() ? Log.Level.INFO
                : Log.Level.DEBUG;
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
        Log.log(level, "jul", r.getThrown(), "logger", logger, "msg", MESSAGE.formatMessage(r));
    }

    @Override
    public void flush() {
        // Log writes each line as it comes
    }

    @Override
    public void close() {
        // nothing held
    }
}
