package parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceCheckTest {

    private static SequenceCheck feed(long... seqs) {
        SequenceCheck c = new SequenceCheck();
        for (long s : seqs) c.accept(s);
        return c;
    }

    private static void assertCounts(SequenceCheck c, long missing, long duplicated, long reordered) {
        assertThat(c.missing()).as("missing").isEqualTo(missing);
        assertThat(c.duplicated()).as("duplicated").isEqualTo(duplicated);
        assertThat(c.reordered()).as("reordered").isEqualTo(reordered);
    }

    @Test
    void inOrderIsClean() {
        SequenceCheck c = new SequenceCheck();
        for (long i = 0; i < 10_000; i++) c.accept(i);
        assertCounts(c, 0, 0, 0);
        assertThat(c.highest()).isEqualTo(9_999);
    }

    @Test
    void gapsCountAsMissing() {
        assertCounts(feed(0, 1, 5, 6, 10), 6, 0, 0);
        assertCounts(feed(3), 3, 0, 0); // the stream starts at 0
    }

    @Test
    void aRepeatIsADuplicate() {
        assertCounts(feed(0, 1, 2, 2, 1, 3), 0, 2, 0);
    }

    @Test
    void aLateArrivalIsReorderedAndNoLongerMissing() {
        assertCounts(feed(0, 2, 1, 3), 0, 0, 1);
        assertCounts(feed(0, 3, 1, 4), 1, 0, 1);
        // Late, then repeated: one reordered, one duplicate.
        assertCounts(feed(0, 2, 1, 1), 0, 1, 1);
    }

    @Test
    void theWindowSurvivesLongGaps() {
        SequenceCheck c = feed(0, 100, 99);
        assertCounts(c, 98, 0, 1);
        c.accept(100);
        assertCounts(c, 98, 1, 1);
        // Older than the 64-wide window: cannot tell late from repeated; counted as reordered.
        c.accept(10);
        assertCounts(c, 98, 1, 2);
    }

    @Test
    void totalsAddUp() {
        SequenceCheck.Totals t = new SequenceCheck.Totals();
        t.add(feed(0, 2, 2));
        t.add(feed(1, 0));
        assertThat(t.missing).isEqualTo(1);
        assertThat(t.duplicated).isEqualTo(1);
        assertThat(t.reordered).isEqualTo(1);
    }
}
