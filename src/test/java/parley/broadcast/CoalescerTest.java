package parley.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A channel with a coalescer: quiet sends wake at once; a burst gets one deferred wake that does come. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CoalescerTest {

    @Test
    void offWakesOnEverySendOnTheSendersThread() {
        AtomicInteger wakes = new AtomicInteger();
        Broadcast<String> b = new Broadcast<>(8, 8, Long.MAX_VALUE, v -> 0, Coalescer.OFF);
        b.subscribe(wakes::incrementAndGet);
        for (int i = 0; i < 100; i++) b.send("v");
        assertThat(wakes).hasValue(100);
    }

    @Test
    void aBurstIsCoveredByFewWakesAndTheLastValueIsStillWokenFor() {
        try (Coalescer c = new Coalescer(Duration.ofMillis(20))) {
            AtomicInteger wakes = new AtomicInteger();
            AtomicLong newestWokenFor = new AtomicLong();
            Broadcast<Integer> b = new Broadcast<>(100_000, 100_000, Long.MAX_VALUE, v -> 0, c);
            Receiver<Integer> r = b.subscribe(() -> {
                wakes.incrementAndGet();
                newestWokenFor.accumulateAndGet(b.tail(), Math::max);
            });
            for (int i = 0; i < 10_000; i++) b.send(i);
            // Some sends wake at once (until the channel counts as busy); then a scheduled wake,
            // after the last send, must cover the rest.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(newestWokenFor).hasValue(10_000));
            assertThat(wakes.get()).as("wakes for 10,000 sends in a burst").isLessThan(1_000);
            int n = 0;
            while (r.poll() instanceof Entry<Integer>) n++;
            assertThat(n).isEqualTo(10_000);
        }
    }

    @Test
    void aClosedCoalescerStillDeliversItsPendingWakeAndThenWakesAtOnce() {
        AtomicInteger wakes = new AtomicInteger();
        Coalescer c = new Coalescer(Duration.ofMillis(300));
        Broadcast<Integer> b = new Broadcast<>(100_000, 100_000, Long.MAX_VALUE, v -> 0, c);
        b.subscribe(wakes::incrementAndGet);
        for (int i = 0; i < 1000; i++) b.send(i);
        int before = wakes.get();
        c.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(wakes).hasValue(before + 1));
        b.send(1000); // busy, so deferred: after close that wake runs on the sender's thread
        assertThat(wakes).hasValue(before + 2);
    }

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
    }

    @Test
    void aQuietSendLeavesItsWakeToTheSenderWhoChoosesTheThread() throws InterruptedException {
        try (Coalescer c = new Coalescer(Duration.ofMillis(1))) {
            Broadcast<Integer> b = new Broadcast<>(1000, 1000, Long.MAX_VALUE, v -> 0, c);
            Counting w = new Counting();
            Receiver<Integer> r = b.subscribe(w);
            Thread.sleep(2);
            assertThat(b.sendLeavingQuietWake(1)).isEqualTo(Broadcast.Sent.QUIET);
            assertThat(w.wakes.get() + w.inline.get()).as("the channel woke nobody").isZero();
            assertThat(r.poll()).as("yet the value is visible").isInstanceOf(Entry.class);
            b.wakeAllInline();
            assertThat(w.inline).hasValue(1);
            b.wakeAll();
            assertThat(w.wakes).hasValue(1);

            Thread.sleep(2);
            b.send(2); // the plain send wakes a quiet channel's receivers itself, on their own terms
            assertThat(w.wakes).hasValue(2);
            assertThat(w.inline).hasValue(1);
        }
    }

    @Test
    void aBusyChannelSeesToItsOwnWakesAndAClosedOneRefuses() {
        try (Coalescer c = new Coalescer(Duration.ofMillis(50))) {
            Broadcast<Integer> b = new Broadcast<>(100_000, 100_000, Long.MAX_VALUE, v -> 0, c);
            Counting w = new Counting();
            b.subscribe(w);
            Broadcast.Sent last = null;
            int quiet = 0;
            for (int i = 0; i < 1000; i++) {
                last = b.sendLeavingQuietWake(i);
                if (last == Broadcast.Sent.QUIET) quiet++;
            }
            assertThat(last).as("a burst makes the channel busy").isEqualTo(Broadcast.Sent.WOKEN);
            assertThat(quiet).as("only the first sends, before it counts as busy").isLessThan(100);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(w.wakes).hasPositiveValue());
            assertThat(w.inline).as("the channel never serves a receiver on the sender's thread").hasValue(0);
            b.close();
            assertThat(b.sendLeavingQuietWake(1)).isEqualTo(Broadcast.Sent.REFUSED);
        }
    }

    @Test
    void aNegativeDelayIsRefused() {
        assertThatThrownBy(() -> new Coalescer(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
