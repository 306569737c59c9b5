package parley.cli;

import parley.log.Log;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start an orderly stop instead of killing the JVM, so the server can close its
 * connections and exit 0 (a JVM stopped by a shutdown hook alone exits 143).
 */
final class Signals {
    private Signals() {}

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> action.run());
            } catch (IllegalArgumentException e) {
                Log.warn("signal.unavailable", "signal", "SIG" + name, "error", e.getMessage());
            }
        }
    }
}
