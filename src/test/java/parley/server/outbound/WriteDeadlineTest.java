package parley.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The write deadline's clock, with times given by the test (no waiting). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WriteDeadlineTest {
    private final WriteDeadline d = new WriteDeadline();

    @Test
    void notWritingIsNeverBlocked() {
        assertThat(d.blockedFor(System.nanoTime())).isZero();
        d.progressed(System.nanoTime()); // no write in progress: nothing to move
        assertThat(d.blockedFor(System.nanoTime())).isZero();
    }

    @Test
    void aWriteIsBlockedFromItsStartUntilItMakesProgress() {
        long before = System.nanoTime();
        d.writing();
        long t = System.nanoTime();
        assertThat(d.blockedFor(t)).isBetween(-1L, t - before);
        assertThat(d.blockedFor(t + 7_000)).isGreaterThanOrEqualTo(6_999);
        d.progressed(t + 1_000_000);
        assertThat(d.blockedFor(t + 1_000_500)).isBetween(499L, 500L); // counts from the progress
        d.tookSome(); // the sink saw progress itself: counts from the real now
        long u = System.nanoTime();
        assertThat(d.blockedFor(u)).isBetween(-1L, u - t);
        d.done();
        assertThat(d.blockedFor(t + 1_000_000_000)).isZero();
    }
}
