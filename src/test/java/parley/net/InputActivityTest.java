package parley.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Busy means enough lines within the last one to two seconds, on a made-up clock. */
class InputActivityTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aFewLinesAreNotBusyEnoughAreAndQuietSecondsEndIt() {
        InputActivity a = new InputActivity();
        long t = 5 * S;
        assertThat(a.busy(t)).isFalse();
        for (int i = 0; i < InputActivity.BUSY_LINES - 1; i++) a.line(t + i);
        assertThat(a.busy(t + 10)).isFalse();
        a.line(t + 20);
        assertThat(a.busy(t + 30)).isTrue();
        assertThat(a.busy(t + S + 1)).as("the last window still counts").isTrue();
        assertThat(a.busy(t + 2 * S + 1)).as("two quiet windows").isFalse();
    }

    @Test
    void linesSpreadOverTwoWindowsCount() {
        InputActivity a = new InputActivity();
        long t = 0;
        a.busy(t); // opens the first window at t
        for (int i = 0; i < 4; i++) a.line(t + S / 2 + i);
        for (int i = 0; i < 4; i++) a.line(t + S + S / 2 + i);
        assertThat(a.busy(t + S + S / 2 + 10)).isTrue();
        assertThat(a.busy(t + 2 * S + 1)).as("only the second window's four remain").isFalse();
    }

    @Test
    void aLongGapForgetsEverything() {
        InputActivity a = new InputActivity();
        for (int i = 0; i < 100; i++) a.line(i);
        assertThat(a.busy(200)).isTrue();
        assertThat(a.busy(3600 * S)).isFalse();
        a.line(3600 * S + 1);
        assertThat(a.busy(3600 * S + 2)).isFalse();
    }
}
