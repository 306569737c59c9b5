package parley.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pacing decision on a made-up clock: when a send wakes now, is covered, or schedules a wake. */
class WakePacingTest {
    private static final long DELAY = 4_000_000; // 4 ms
    private static final long QUIET_GAP = 1_000_000; // 1000 sends/s: a gap over DELAY / 8
    private static final long BUSY_GAP = 200_000; // 5000 sends/s

    /** Sends at a steady gap from {@code start}; returns the results. */
    private static long[] sendAtGap(WakePacing p, long firstTail, long start, long gap, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = p.afterSend(firstTail + i, start + i * gap);
        return out;
    }

    @Test
    void aQuietChannelWakesOnEverySend() {
        WakePacing p = new WakePacing(DELAY, 1000, 0);
        assertThat(sendAtGap(p, 1, 0, QUIET_GAP, 500)).containsOnly(WakePacing.QUIET);
    }

    @Test
    void aBusyChannelDefersToOneWakePerDelay() {
        WakePacing p = new WakePacing(DELAY, 1000, 0);
        long[] r = sendAtGap(p, 1, 0, BUSY_GAP, 200);
        // The average gap starts at the delay, so the first sends still wake at once.
        assertThat(r[0]).isEqualTo(WakePacing.QUIET);
        int firstDeferred = 0;
        while (r[firstDeferred] == WakePacing.QUIET) firstDeferred++;
        assertThat(firstDeferred).as("sends before the channel counts as busy").isBetween(1, 20);
        assertThat(r[firstDeferred]).as("a wake scheduled for the delay after the last wake").isPositive()
                .isLessThanOrEqualTo(DELAY);
        int i = firstDeferred + 1;
        for (; i < firstDeferred + WakePacing.MAX_BATCH - 1; i++) { // the last wake covered the send before firstDeferred
            assertThat(r[i]).as("send %d while a wake is pending", i).isEqualTo(WakePacing.COVERED);
        }
        assertThat(r[i]).as("the %dth value since the last wake wakes at once", WakePacing.MAX_BATCH)
                .isEqualTo(WakePacing.NOW);
    }

    @Test
    void steadyBusySendsWakeOncePerDelay() {
        WakePacing p = new WakePacing(DELAY, 1000, 0);
        long wakeDue = -1;
        int wakes = 0;
        long tail = 0;
        for (long now = 0; now < 400 * DELAY / 10; now += BUSY_GAP) { // 40 delays' worth of sends
            if (wakeDue >= 0 && wakeDue <= now) {
                p.scheduledWake(tail, wakeDue);
                wakeDue = -1;
                wakes++;
            }
            long r = p.afterSend(++tail, now);
            if (r == WakePacing.NOW || r == WakePacing.QUIET) {
                wakes++;
            } else if (r > 0) {
                assertThat(wakeDue).as("a second wake scheduled while one is pending").isEqualTo(-1);
                wakeDue = now + r;
            }
        }
        // 800 sends over 40 delays: about one wake per delay, plus the few before it counted as busy.
        assertThat(wakes).isBetween(38, 60);
    }

    @Test
    void aPauseLongerThanTheDelayWakesAtOnceEvenWhenBusy() {
        WakePacing p = new WakePacing(DELAY, 1000, 0);
        long[] r = sendAtGap(p, 1, 0, BUSY_GAP, 50);
        assertThat(r).contains(WakePacing.COVERED);
        long last = 49 * BUSY_GAP;
        p.scheduledWake(50, last + 1000);
        assertThat(p.afterSend(51, last + 1000 + DELAY)).isIn(WakePacing.NOW, WakePacing.QUIET);
    }

    @Test
    void aBurstOfAQuarterOfTheCapacityWakesWithoutWaitingForTheTimer() {
        int capacity = 16; // a deferred wake may cover at most 4 values
        WakePacing p = new WakePacing(DELAY, capacity, 0);
        long now = 0;
        long tail = 1;
        long r;
        do {
            now += 1000;
            r = p.afterSend(tail++, now);
        } while (r == WakePacing.QUIET);
        assertThat(r).isPositive();
        long deferredFrom = tail - 2; // the tail the last wake covered
        for (; tail - deferredFrom < 4; tail++) {
            assertThat(p.afterSend(tail, now += 1000)).as("tail %d", tail).isEqualTo(WakePacing.COVERED);
        }
        assertThat(p.afterSend(tail, now + 1000)).as("4 values past the last wake").isEqualTo(WakePacing.NOW);
    }

    @Test
    void withCapacityOneEverySendWakes() {
        WakePacing p = new WakePacing(DELAY, 1, 0);
        assertThat(sendAtGap(p, 1, 0, 10, 200)).containsOnly(WakePacing.QUIET, WakePacing.NOW);
    }
}
