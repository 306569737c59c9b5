package parley.bench;

/**
 * Checks one publisher's stream as one subscriber sees it: sequence numbers should arrive as
 * 0, 1, 2, ... with nothing missing, nothing twice and nothing out of order.
 *
 * <p>Keeps the highest number seen and a 64-wide window of which numbers below it have arrived,
 * so a late arrival can be told from a duplicate: a number inside the window that was already
 * seen is a duplicate; one that was not is a reordered (late) message and is no longer missing.
 * A number older than the window cannot be told apart and is counted as reordered, leaving the
 * missing count unchanged. Memory is constant whatever the stream's length.
 */
final class SequenceCheck {
    static final int WINDOW = 64;

    private long highest = -1;
    /** Bit i set: {@code highest - i} has arrived. */
    private long seen;
    private long missing;
    private long duplicated;
    private long reordered;

    void accept(long seq) {
        if (seq > highest) {
            long gap = seq - highest - 1;
            missing += gap;
            seen = gap + 1 >= WINDOW ? 0 : seen << (gap + 1);
            seen |= 1;
            highest = seq;
            return;
        }
        long back = highest - seq;
        if (back >= WINDOW) {
            reordered++;
            return;
        }
        long bit = 1L << back;
        if ((seen & bit) != 0) {
            duplicated++;
        } else {
            seen |= bit;
            reordered++;
            missing--;
        }
    }

    /** Numbers skipped over and not (yet) arrived late; the server's lag notices account for some. */
    long missing() {
        return missing;
    }

    long duplicated() {
        return duplicated;
    }

    long reordered() {
        return reordered;
    }

    long highest() {
        return highest;
    }

    /** Sums checks, e.g. every subscriber's, for the report. */
    static final class Totals {
        long missing;
        long duplicated;
        long reordered;

        void add(SequenceCheck c) {
            missing += c.missing;
            duplicated += c.duplicated;
            reordered += c.reordered;
        }

        void add(Totals t) {
            missing += t.missing;
            duplicated += t.duplicated;
            reordered += t.reordered;
        }
    }
}
