package parley.bench;

/**
 * The one clock publishers and subscribers share: {@link System#nanoTime} measured from when this
 * class was loaded, so every timestamp is non-negative and fits the payload's 16 hex digits.
 */
final class BenchClock {
    private static final long ORIGIN = System.nanoTime();

    private BenchClock() {}

    static long now() {
        return System.nanoTime() - ORIGIN;
    }

    /** Parks until {@code deadline} (a {@link #now} value); returns at once if it has passed. */
    static void sleepUntil(long deadline) {
        while (true) {
            long left = deadline - now();
            if (left <= 0) return;
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, 100_000_000L));
            if (Thread.currentThread().isInterrupted()) return;
        }
    }

    /** Waits until {@code condition} holds or {@code deadline} passes, checking every {@code stepNanos}. */
    static boolean awaitUntil(java.util.function.BooleanSupplier condition, long deadline, long stepNanos) {
        while (true) {
            if (condition.getAsBoolean()) return true;
            long left = deadline - now();
            if (left <= 0) return false;
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, stepNanos));
            if (Thread.currentThread().isInterrupted()) return condition.getAsBoolean();
        }
    }
}
