package parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.broadcast.Broadcast;
import parley.broadcast.Coalescer;
import parley.broadcast.Entry;
import parley.broadcast.Receiver;
import parley.broadcast.Wakeable;

/**
 * A reader's pending wakes: a quiet send's wake is given at once (inline, for a group that is not
 * too large) when the reader has no more lines, and otherwise held and given once per channel, to
 * the members' own threads, when the reader flushes; values are readable at once all the same.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PendingWakesTest {
    /** Sends spaced by more than this keep a channel quiet (see WakePacing). */
    private final Coalescer coalescer = new Coalescer(Duration.ofMillis(1));

    /** Counts both kinds of wake a receiver gets. */
    static final class Counting implements Wakeable {
        final AtomicInteger wakes = new AtomicInteger();
        final AtomicInteger inline = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }

        @Override
        public void wakeInline() {
            inline.incrementAndGet();
        }

        int total() {
            return wakes.get() + inline.get();
        }
    }

    @AfterEach
    void close() {
        coalescer.close();
    }

    private Broadcast<Integer> channel(int capacity) {
        return new Broadcast<>(capacity, capacity, Long.MAX_VALUE, v -> 0, coalescer);
    }

    /**
     * Sends spaced out, so the channel stays quiet, and gives the wake as a reader does: held with
     * {@code pending}, at once without.
     */
    private static void sendQuietly(Broadcast<Integer> b, int value, PendingWakes pending) throws InterruptedException {
        Thread.sleep(2);
        assertThat(b.sendLeavingQuietWake(value)).isEqualTo(Broadcast.Sent.QUIET);
        if (pending == null) PendingWakes.wakeNow(b);
        else pending.hold(b);
    }

    @Test
    void aQuietSendWithoutMoreLinesWakesInlineAtOnce() throws InterruptedException {
        Broadcast<Integer> b = channel(1000);
        Counting w = new Counting();
        b.subscribe(w);
        sendQuietly(b, 1, null);
        assertThat(w.inline).hasValue(1);
        assertThat(w.wakes).hasValue(0);
    }

    @Test
    void aLargeGroupIsWokenOnItsMembersThreadsNotInline() throws InterruptedException {
        Broadcast<Integer> b = channel(1000);
        Counting w = new Counting();
        for (int i = 0; i < PendingWakes.INLINE_MEMBERS; i++) b.subscribe(w);
        sendQuietly(b, 1, null);
        assertThat(w.inline).as("at the limit: inline").hasValue(PendingWakes.INLINE_MEMBERS);
        b.subscribe(w);
        sendQuietly(b, 2, null);
        assertThat(w.inline).as("over it: no more inline").hasValue(PendingWakes.INLINE_MEMBERS);
        assertThat(w.wakes).hasValue(PendingWakes.INLINE_MEMBERS + 1);
    }

    @Test
    void heldWakesComeOncePerChannelOnFlushAndTheValuesAreReadableBefore() throws InterruptedException {
        Broadcast<Integer> a = channel(1000);
        Broadcast<Integer> b = channel(1000);
        Counting wa = new Counting();
        Counting wb = new Counting();
        Counting wab = new Counting();
        Receiver<Integer> ra = a.subscribe(wa);
        b.subscribe(wb);
        a.subscribe(wab);
        b.subscribe(wab);
        PendingWakes pending = new PendingWakes();
        for (int i = 0; i < 10; i++) sendQuietly(i % 2 == 0 ? a : b, i, pending);

        assertThat(wa.total() + wb.total() + wab.total()).as("wakes while held").isZero();
        assertThat(pending.isEmpty()).isFalse();
        int read = 0;
        while (ra.poll() instanceof Entry<Integer>) read++;
        assertThat(read).as("values readable while their wake is held").isEqualTo(5);

        pending.flush();
        assertThat(wa.wakes).as("on the member's own thread").hasValue(1);
        assertThat(wb.wakes).hasValue(1);
        assertThat(wab.wakes).as("one wake per channel it reads").hasValue(2);
        assertThat(wa.inline.get() + wb.inline.get() + wab.inline.get()).isZero();
        assertThat(pending.isEmpty()).isTrue();
        pending.flush();
        assertThat(wa.total() + wb.total() + wab.total()).as("a second flush wakes nothing").isEqualTo(4);
    }

    @Test
    void theHoldIsBoundedByCountAndLetsGoByItself() throws InterruptedException {
        Broadcast<Integer> b = channel(1000);
        Counting w = new Counting();
        b.subscribe(w);
        PendingWakes pending = new PendingWakes();
        for (int i = 0; i < PendingWakes.MAX_HELD_SENDS - 1; i++) sendQuietly(b, i, pending);
        assertThat(w.total()).isZero();
        sendQuietly(b, 99, pending);
        assertThat(w.wakes).as("woken at the %d-th held send", PendingWakes.MAX_HELD_SENDS).hasValue(1);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void manyChannelsAreAllHeldAndAllWoken() throws InterruptedException {
        PendingWakes pending = new PendingWakes();
        Counting w = new Counting();
        Broadcast<?>[] channels = new Broadcast<?>[10]; // more than the set's first array holds
        for (int i = 0; i < channels.length; i++) {
            Broadcast<Integer> c = channel(1000);
            c.subscribe(w);
            channels[i] = c;
            sendQuietly(c, i, pending);
        }
        assertThat(w.total()).isZero();
        pending.flush();
        assertThat(w.wakes).hasValue(channels.length);
    }

    @Test
    void aSmallChannelIsNeverHeld() throws InterruptedException {
        Broadcast<Integer> b = channel(PendingWakes.MIN_CAPACITY - 1); // a held batch could overrun a receiver that keeps up
        Counting w = new Counting();
        b.subscribe(w);
        PendingWakes pending = new PendingWakes();
        sendQuietly(b, 1, pending);
        assertThat(w.inline).hasValue(1);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void aChannelWithoutPacingWakesByItselfSoNothingIsLeftToHold() {
        Broadcast<Integer> b = new Broadcast<>(1000, 1000, Long.MAX_VALUE, v -> 0, Coalescer.OFF);
        Counting w = new Counting();
        b.subscribe(w);
        assertThat(b.sendLeavingQuietWake(1)).isEqualTo(Broadcast.Sent.WOKEN);
        assertThat(w.wakes).hasValue(1);
        assertThat(w.inline).hasValue(0);
    }
}
