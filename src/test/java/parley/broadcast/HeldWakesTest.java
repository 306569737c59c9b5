package parley.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sender with more sends coming holds quiet channels' wakes and gives each channel's receivers
 * one wake when it releases them; values are readable at once all the same.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeldWakesTest {
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

    /** Sends spaced out, so the channel stays quiet and every send's wake is a quiet one. */
    private static void sendQuietly(Broadcast<Integer> b, int value, HeldWakes held) throws InterruptedException {
        Thread.sleep(2);
        if (held == null) b.send(value);
        else b.send(value, held);
    }

    @Test
    void aQuietSendWithoutHoldWakesInlineAtOnce() throws InterruptedException {
        Broadcast<Integer> b = channel(1000);
        Counting w = new Counting();
        b.subscribe(w);
        sendQuietly(b, 1, null);
        assertThat(w.inline).hasValue(1);
        assertThat(w.wakes).hasValue(0);
    }

    @Test
    void heldWakesComeOncePerChannelOnReleaseAndTheValuesAreReadableBefore() throws InterruptedException {
        Broadcast<Integer> a = channel(1000);
        Broadcast<Integer> b = channel(1000);
        Counting wa = new Counting();
        Counting wb = new Counting();
        Counting wab = new Counting();
        Receiver<Integer> ra = a.subscribe(wa);
        b.subscribe(wb);
        a.subscribe(wab);
        b.subscribe(wab);
        HeldWakes held = new HeldWakes();
        for (int i = 0; i < 10; i++) sendQuietly(i % 2 == 0 ? a : b, i, held);

        assertThat(wa.total() + wb.total() + wab.total()).as("wakes while held").isZero();
        assertThat(held.isEmpty()).isFalse();
        int read = 0;
        while (ra.poll() instanceof Entry<Integer>) read++;
        assertThat(read).as("values readable while their wake is held").isEqualTo(5);

        held.release();
        assertThat(wa.total()).isEqualTo(1);
        assertThat(wb.total()).isEqualTo(1);
        assertThat(wab.total()).as("one wake per channel it reads").isEqualTo(2);
        assertThat(held.isEmpty()).isTrue();
        held.release();
        assertThat(wa.total() + wb.total() + wab.total()).as("a second release wakes nothing").isEqualTo(4);
    }

    @Test
    void theHoldIsBoundedByCountAndLetsGoByItself() throws InterruptedException {
        Broadcast<Integer> b = channel(1000);
        Counting w = new Counting();
        b.subscribe(w);
        HeldWakes held = new HeldWakes();
        for (int i = 0; i < HeldWakes.MAX_HELD_SENDS - 1; i++) sendQuietly(b, i, held);
        assertThat(w.total()).isZero();
        sendQuietly(b, 99, held);
        assertThat(w.total()).as("woken at the %d-th held send", HeldWakes.MAX_HELD_SENDS).isEqualTo(1);
        assertThat(held.isEmpty()).isTrue();
    }

    @Test
    void aSmallChannelIsNeverHeld() throws InterruptedException {
        Broadcast<Integer> b = channel(64); // a held batch could overrun a receiver that keeps up
        Counting w = new Counting();
        b.subscribe(w);
        HeldWakes held = new HeldWakes();
        sendQuietly(b, 1, held);
        assertThat(w.inline).hasValue(1);
        assertThat(held.isEmpty()).isTrue();
    }

    @Test
    void aChannelWithoutPacingWakesAtOnceEvenWithAHold() {
        Broadcast<Integer> b = new Broadcast<>(1000, 1000, Long.MAX_VALUE, v -> 0, Coalescer.OFF);
        Counting w = new Counting();
        b.subscribe(w);
        HeldWakes held = new HeldWakes();
        b.send(1, held);
        assertThat(w.wakes).hasValue(1);
        assertThat(held.isEmpty()).isTrue();
    }
}
