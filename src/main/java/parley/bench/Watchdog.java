package parley.bench;

import java.time.Duration;

/**
 * The last line of defence against a run that never ends: after the limit it aborts the run
 * (closing every connection, so each wait ends and a report is still printed), and if the
 * process is still there after a grace period, halts it with exit status 3.
 */
final class Watchdog implements AutoCloseable {
    static final Duration GRACE = Duration.ofSeconds(10);

    private final Thread thread;

    Watchdog(Duration limit, Run run, Status status, boolean halt) {
        thread = Thread.ofPlatform().name("bench-watchdog").daemon().start(() -> {
            try {
                Thread.sleep(limit);
                status.line("watchdog: the run took longer than " + Fmt.seconds(limit) + "; aborting it");
                run.abort();
                Thread.sleep(GRACE);
                if (halt) {
                    status.line("watchdog: still running " + Fmt.seconds(GRACE) + " after the abort; exiting");
                    Runtime.getRuntime().halt(3);
                }
            } catch (InterruptedException e) {
                // the run ended in time
            }
        });
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
