package parley.net;

/**
 * Whether a client is busy sending: at least {@value #BUSY_LINES} lines in the last second or so
 * (counted in two one-second windows). A busy client's reader waits for more in its read, which
 * costs a parked thread but nothing per line; any other waits in {@link IdleReaders}, which costs
 * no thread but a hand-over per wake. Reader thread only.
 */
final class InputActivity {
    static final int BUSY_LINES = 8;
    private static final long WINDOW = 1_000_000_000L;

    private long windowStart = Long.MIN_VALUE;
    private int thisWindow;
    private int lastWindow;

    /** A line arrived at {@code now} (System.nanoTime). */
    void line(long now) {
        roll(now);
        thisWindow++;
    }

    boolean busy(long now) {
        roll(now);
        return thisWindow + lastWindow >= BUSY_LINES;
    }

    private void roll(long now) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = now;
            return;
        }
        long windows = (now - windowStart) / WINDOW;
        if (windows == 0) return;
        lastWindow = windows == 1 ? thisWindow : 0;
        thisWindow = 0;
        windowStart += windows * WINDOW;
    }
}
