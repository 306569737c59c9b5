package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void publishersShareTheRateAndInterleave() {
        // 1000 posts/s over 4 publishers: each sends every 4 ms, offset by 1 ms from the previous one.
        Schedule p0 = Schedule.of(0, 1_000_000_000L, 2_000_000_000L, 1000, 4, 0);
        Schedule p1 = Schedule.of(0, 1_000_000_000L, 2_000_000_000L, 1000, 4, 1);
        assertThat(p0.due(0)).isZero();
        assertThat(p0.due(1)).isEqualTo(4_000_000L);
        assertThat(p1.due(0)).isEqualTo(1_000_000L);
        assertThat(p1.due(1)).isEqualTo(5_000_000L);
        assertThat(p0.end()).isEqualTo(3_000_000_000L);
    }

    @Test
    void dueTimesDoNotDependOnWhenMessagesWereSent() {
        Schedule s = Schedule.of(100, 0, 1_000_000_000L, 3, 1, 0);
        assertThat(s.due(3)).isEqualTo(100 + 1_000_000_000L);
        assertThat(s.measured(s.due(0))).isTrue();
    }

    @Test
    void warmupMessagesAreNotMeasured() {
        Schedule s = Schedule.of(0, 500, 1000, 1e9, 1, 0); // one message per nanosecond
        assertThat(s.measured(499)).isFalse();
        assertThat(s.measured(500)).isTrue();
    }

    @Test
    void groupsAreDealtToPublishers() {
        assertThat(Publisher.ownedGroups(0, 4, 10)).containsExactly(0, 4, 8);
        assertThat(Publisher.ownedGroups(3, 4, 10)).containsExactly(3, 7);
        assertThat(Publisher.ownedGroups(0, 1, 1)).containsExactly(0);
        // More publishers than groups: they share.
        assertThat(Publisher.ownedGroups(5, 8, 3)).containsExactly(2);
    }
}
