package parley.bench;

import parley.net.Linux;
import java.io.PrintStream;

/**
 * What the bench says on stderr while it runs. On a terminal: a start line, a progress line
 * once a second, and an end line. Otherwise (a pipe, a file, CI) only the start and end lines
 * and warnings, so logs stay short.
 */
final class Status {
    private final PrintStream err;
    private final boolean live;

    Status(PrintStream err, boolean live) {
        this.err = err;
        this.live = live;
    }

    /**
     * Progress lines when stderr is a terminal. Asked directly ({@code isatty(2)}), so that
     * {@code parley bench --json > result.json} still shows progress; where that cannot be asked,
     * {@code System.console() != null && isTerminal()} decides (which looks at stdin and stdout).
     */
    static Status forTerminal(PrintStream err) {
        Boolean tty = Linux.isTerminal(2);
        if (tty == null) {
            java.io.Console c = System.console();
            tty = c != null && c.isTerminal();
        }
        return new Status(err, tty);
    }

    static Status quiet(PrintStream err) {
        return new Status(err, false);
    }

    boolean live() {
        return live;
    }

    void line(String text) {
        err.println("parley bench: " + text);
        err.flush();
    }

    void progress(String text) {
        if (live) {
            err.println("  " + text);
            err.flush();
        }
    }

    void warn(String text) {
        line("warning: " + text);
    }

    /**
     * Prints {@code line.apply(secondsSinceStart)} once a second on a daemon thread until the
     * returned handle is closed, if live; otherwise does nothing.
     */
    Ticker ticker(java.util.function.LongFunction<String> line) {
        if (!live) return () -> { };
        long t0 = BenchClock.now();
        Thread t = Thread.ofPlatform().name("bench-progress").daemon().start(() -> {
            long next = t0 + 1_000_000_000L;
            while (!Thread.currentThread().isInterrupted()) {
                BenchClock.sleepUntil(next);
                if (Thread.currentThread().isInterrupted()) break;
                progress(line.apply((next - t0) / 1_000_000_000L));
                next += 1_000_000_000L;
            }
        });
        return t::interrupt;
    }

    /** Stops a progress ticker. */
    interface Ticker extends AutoCloseable {
        @Override
        void close();
    }
}
