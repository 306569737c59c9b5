package parley.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deterministic, single-threaded tests of the {@link Broadcast} contract: numbering, order, exact
 * lag counts and resume points, backlog subscription, history reads, closing and unsubscribing,
 * and listener calls.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BroadcastTest {

    // ------------------------------------------------------------------ helpers

    private static String v(long seq) {
        return "v" + seq;
    }

    /** Sends v(from) .. v(to - 1) and checks each send returns its own sequence number. */
    private static void sendRange(Broadcast<String> b, long from, long to) {
        for (long i = from; i < to; i++) {
            assertThat(b.send(v(i))).as("seq returned by send #%d", i).isEqualTo(i);
        }
    }

    /** Polls until Empty or Closed; returns everything polled including that final result. */
    private static List<Received<String>> drain(Receiver<String> r) {
        List<Received<String>> out = new ArrayList<>();
        for (int guard = 0; guard < 1_000_000; guard++) {
            Received<String> x = r.poll();
            out.add(x);
            if (x instanceof Received.Empty || x instanceof Received.Closed) return out;
        }
        return fail("receiver never ran dry: " + out.size() + " results");
    }

    private static List<Received<String>> entries(long from, long to) {
        List<Received<String>> out = new ArrayList<>();
        for (long i = from; i < to; i++) out.add(new Entry<>(i, v(i)));
        return out;
    }

    @SafeVarargs
    private static List<Received<String>> concat(List<Received<String>>... parts) {
        List<Received<String>> out = new ArrayList<>();
        for (List<Received<String>> p : parts) out.addAll(p);
        return out;
    }

    private static List<Received<String>> just(Received<String> x) {
        return List.of(x);
    }

    /**
     * Like containsExactlyElementsOf, but reports the first difference instead of printing
     * thousands of elements.
     */
    private static void assertResults(List<Received<String>> actual, List<Received<String>> expected) {
        int n = Math.min(actual.size(), expected.size());
        for (int i = 0; i < n; i++) {
            if (!actual.get(i).equals(expected.get(i))) {
                fail("first difference at index %d of %d: expected %s but got %s; actual from there: %s",
                        i, expected.size(), expected.get(i), actual.get(i),
                        actual.subList(i, Math.min(actual.size(), i + 5)));
            }
        }
        if (actual.size() != expected.size()) {
            fail("expected %d results but got %d; extra/missing from index %d: %s", expected.size(), actual.size(), n,
                    (actual.size() > n ? actual : expected).subList(n, Math.min(n + 5, Math.max(actual.size(), expected.size()))));
        }
    }

    private static final Received<String> EMPTY = new Received.Empty<>();
    private static final Received<String> CLOSED = new Received.Closed<>();

    private static Received<String> lagged(long missed, long resumeAt) {
        return new Received.Lagged<>(missed, resumeAt);
    }

    // ------------------------------------------------------------------ construction

    @Nested
    class Capacity {
        @ParameterizedTest
        @ValueSource(ints = {0, -1, -1000, Integer.MIN_VALUE, (1 << 30) + 1, Integer.MAX_VALUE})
        void rejectsCapacityOutOfRange(int capacity) {
            assertThatThrownBy(() -> new Broadcast<String>(capacity))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(capacity));
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3, 5, 7, 1000, 1024, 1025})
        void acceptsAndReportsCapacity(int capacity) {
            Broadcast<String> b = new Broadcast<>(capacity);
            assertThat(b.capacity()).isEqualTo(capacity);
            assertThat(b.tail()).isZero();
            assertThat(b.oldest()).isZero();
            assertThat(b.receiverCount()).isZero();
            assertThat(b.isClosed()).isFalse();
        }
    }

    // ------------------------------------------------------------------ order and numbering

    @Test
    void sendNumbersFromZeroAndReceiverSeesEveryValueInOrder() {
        Broadcast<String> b = new Broadcast<>(16);
        Receiver<String> r = b.subscribe(null);
        assertThat(r.poll()).isEqualTo(EMPTY);
        sendRange(b, 0, 10);
        assertThat(b.tail()).isEqualTo(10);
        assertThat(r.backlog()).isEqualTo(10);
        assertResults(drain(r), concat(entries(0, 10), just(EMPTY)));
        assertThat(r.position()).isEqualTo(10);
        assertThat(r.backlog()).isZero();
        assertThat(r.channel()).isSameAs(b);
    }

    @Test
    void interleavedSendAndPollKeepsOrder() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        long seq = 0;
        for (int round = 0; round < 50; round++) {
            int n = round % 4 + 1; // never more than capacity ahead: no lag
            sendRange(b, seq, seq + n);
            assertResults(drain(r), concat(entries(seq, seq + n), just(EMPTY)));
            seq += n;
        }
        assertThat(b.tail()).isEqualTo(seq);
    }

    @Test
    void subscriberOnlySeesValuesSentAfterItSubscribed() {
        Broadcast<String> b = new Broadcast<>(8);
        Receiver<String> early = b.subscribe(null);
        sendRange(b, 0, 3);
        Receiver<String> late = b.subscribe(null);
        assertThat(late.position()).isEqualTo(3);
        assertThat(late.poll()).isEqualTo(EMPTY);
        sendRange(b, 3, 6);
        assertResults(drain(late), concat(entries(3, 6), just(EMPTY)));
        assertResults(drain(early), concat(entries(0, 6), just(EMPTY)));
    }

    @Test
    void receiversAreIndependent() {
        Broadcast<String> b = new Broadcast<>(8);
        Receiver<String> a = b.subscribe(null);
        Receiver<String> c = b.subscribe(null);
        sendRange(b, 0, 4);
        assertThat(a.poll()).isEqualTo(new Entry<>(0L, v(0)));
        assertThat(a.poll()).isEqualTo(new Entry<>(1L, v(1)));
        // c has not moved because a did
        assertThat(c.position()).isZero();
        assertResults(drain(c), concat(entries(0, 4), just(EMPTY)));
        assertResults(drain(a), concat(entries(2, 4), just(EMPTY)));
    }

    @Test
    void sameEntryObjectIsSharedByReceivers() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> a = b.subscribe(null);
        Receiver<String> c = b.subscribe(null);
        b.send("x");
        assertThat(a.poll()).isSameAs(c.poll()).isSameAs(b.get(0));
    }

    @Test
    void nullValuesAreCarried() {
        Broadcast<String> b = new Broadcast<>(2);
        Receiver<String> r = b.subscribe(null);
        assertThat(b.send(null)).isZero();
        assertThat(r.poll()).isEqualTo(new Entry<String>(0L, null));
    }

    // ------------------------------------------------------------------ lag

    static Stream<Arguments> lagCases() {
        List<Arguments> out = new ArrayList<>();
        for (int cap : new int[] {1, 3, 1000, 1024}) {
            for (long total : new long[] {cap + 1L, 2L * cap + 7, 10L * cap}) {
                out.add(Arguments.of(cap, total));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "capacity={0}, sent={1}")
    @MethodSource("lagCases")
    void lagReportsExactMissedCountAndResumesAtOldestHeld(int capacity, long total) {
        Broadcast<String> b = new Broadcast<>(capacity);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, total);
        long oldest = total - capacity;
        assertThat(b.oldest()).isEqualTo(oldest);
        assertThat(r.backlog()).isEqualTo(total);

        List<Received<String>> got = drain(r);
        assertThat(got.getFirst()).isEqualTo(lagged(oldest, oldest));
        // exactly the `capacity` held values, oldest first, then nothing
        assertResults(got.subList(1, got.size()), concat(entries(oldest, total), just(EMPTY)));
        assertThat(r.position()).isEqualTo(total);
    }

    @ParameterizedTest(name = "capacity={0}, sent={1}")
    @MethodSource("lagCases")
    void lagCountsFromWhereTheReceiverHadReadTo(int capacity, long total) {
        // The receiver reads part of the history first, then falls behind.
        Broadcast<String> b = new Broadcast<>(capacity);
        Receiver<String> r = b.subscribe(null);
        long read = Math.max(1, capacity / 2);
        sendRange(b, 0, read);
        assertResults(drain(r), concat(entries(0, read), just(EMPTY)));

        sendRange(b, read, read + total);
        long end = read + total;
        long oldest = end - capacity;
        List<Received<String>> got = drain(r);
        assertThat(got.getFirst()).isEqualTo(lagged(oldest - read, oldest));
        assertResults(got.subList(1, got.size()), concat(entries(oldest, end), just(EMPTY)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 1000, 1024})
    void exactlyCapacityBehindIsNotALag(int capacity) {
        Broadcast<String> b = new Broadcast<>(capacity);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, capacity);
        assertResults(drain(r), concat(entries(0, capacity), just(EMPTY)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 1000, 1024})
    void oneMoreThanCapacityLosesExactlyOne(int capacity) {
        Broadcast<String> b = new Broadcast<>(capacity);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, capacity + 1L);
        assertThat(r.poll()).isEqualTo(lagged(1, 1));
        assertThat(r.poll()).isEqualTo(new Entry<>(1L, v(1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5, 1000, 1024})
    void lagIsComputedAgainWhenTheReceiverFallsBehindTwice(int capacity) {
        Broadcast<String> b = new Broadcast<>(capacity);
        Receiver<String> r = b.subscribe(null);

        long end1 = 3L * capacity + 2;
        sendRange(b, 0, end1);
        long oldest1 = end1 - capacity;
        List<Received<String>> first = drain(r);
        assertResults(first, concat(just(lagged(oldest1, oldest1)), entries(oldest1, end1), just(EMPTY)));

        long end2 = end1 + 2L * capacity + 5;
        sendRange(b, end1, end2);
        long oldest2 = end2 - capacity;
        List<Received<String>> second = drain(r);
        assertResults(second, concat(just(lagged(oldest2 - end1, oldest2)), entries(oldest2, end2), just(EMPTY)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 1000, 1024})
    void lagAfterPartialReadOfTheResumedWindow(int capacity) {
        // Lagged, read some of the held values, then fall behind again: the second lag counts
        // from the position reached, not from the first resume point.
        Broadcast<String> b = new Broadcast<>(capacity);
        Receiver<String> r = b.subscribe(null);
        long end1 = 2L * capacity + 1;
        sendRange(b, 0, end1);
        long oldest1 = end1 - capacity;
        assertThat(r.poll()).isEqualTo(lagged(oldest1, oldest1));
        assertThat(r.poll()).isEqualTo(new Entry<>(oldest1, v(oldest1)));
        long pos = oldest1 + 1;

        long end2 = end1 + 5L * capacity;
        sendRange(b, end1, end2);
        long oldest2 = end2 - capacity;
        assertThat(r.poll()).isEqualTo(lagged(oldest2 - pos, oldest2));
        assertResults(drain(r), concat(entries(oldest2, end2), just(EMPTY)));
    }

    @Test
    void twoLagNoticesInARowWhenOverwrittenAgainBeforeReading() {
        Broadcast<String> b = new Broadcast<>(3);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, 10);
        assertThat(r.poll()).isEqualTo(lagged(7, 7));
        sendRange(b, 10, 15); // held now: 12, 13, 14
        assertThat(r.poll()).isEqualTo(lagged(5, 12));
        assertResults(drain(r), concat(entries(12, 15), just(EMPTY)));
    }

    @Test
    void receiversLagIndependently() {
        Broadcast<String> b = new Broadcast<>(3);
        Receiver<String> fast = b.subscribe(null);
        Receiver<String> slow = b.subscribe(null);
        for (long i = 0; i < 20; i++) {
            sendRange(b, i, i + 1);
            assertThat(fast.poll()).isEqualTo(new Entry<>(i, v(i)));
        }
        assertThat(fast.poll()).isEqualTo(EMPTY);
        assertResults(drain(slow), concat(just(lagged(17, 17)), entries(17, 20), just(EMPTY)));
    }

    // ------------------------------------------------------------------ backlog subscribe

    @Test
    void backlogZeroSeesOnlyLiveValues() {
        Broadcast<String> b = new Broadcast<>(5);
        sendRange(b, 0, 4);
        Receiver<String> r = b.subscribe(null, 0);
        assertThat(r.position()).isEqualTo(4);
        assertThat(r.poll()).isEqualTo(EMPTY);
        sendRange(b, 4, 6);
        assertResults(drain(r), concat(entries(4, 6), just(EMPTY)));
    }

    @Test
    void backlogLessThanHeldGivesTheMostRecentThenLive() {
        Broadcast<String> b = new Broadcast<>(5);
        sendRange(b, 0, 4);
        Receiver<String> r = b.subscribe(null, 2);
        assertThat(r.position()).isEqualTo(2);
        assertThat(r.backlog()).isEqualTo(2);
        sendRange(b, 4, 6); // live values arrive before the history is read
        assertResults(drain(r), concat(entries(2, 6), just(EMPTY)));
    }

    @Test
    void backlogMoreThanHeldGivesEverythingHeldThenLive() {
        Broadcast<String> b = new Broadcast<>(5);
        sendRange(b, 0, 3);
        Receiver<String> r = b.subscribe(null, 10);
        assertThat(r.position()).isZero();
        assertResults(drain(r), concat(entries(0, 3), just(EMPTY)));
        sendRange(b, 3, 5);
        assertResults(drain(r), concat(entries(3, 5), just(EMPTY)));
    }

    @Test
    void backlogOnAnEmptyChannel() {
        Broadcast<String> b = new Broadcast<>(5);
        Receiver<String> r = b.subscribe(null, 100);
        assertThat(r.position()).isZero();
        assertThat(r.poll()).isEqualTo(EMPTY);
        sendRange(b, 0, 2);
        assertResults(drain(r), concat(entries(0, 2), just(EMPTY)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5, 1000, 1024})
    void backlogAfterWrapGivesAtMostTheHeldValues(int capacity) {
        Broadcast<String> b = new Broadcast<>(capacity);
        long total = 3L * capacity + 2;
        sendRange(b, 0, total);
        long oldest = total - capacity;

        Receiver<String> all = b.subscribe(null, Long.MAX_VALUE);
        Receiver<String> huge = b.subscribe(null, 10L * capacity);
        Receiver<String> exact = b.subscribe(null, capacity);
        long part = Math.max(1, capacity / 3);
        Receiver<String> some = b.subscribe(null, part);
        assertThat(all.position()).isEqualTo(oldest);
        assertThat(huge.position()).isEqualTo(oldest);
        assertThat(exact.position()).isEqualTo(oldest);
        assertThat(some.position()).isEqualTo(total - part);

        // history first: no Lagged notice, exactly the held values asked for
        List<Received<String>> allHeld = concat(entries(oldest, total), just(EMPTY));
        assertResults(drain(all), allHeld);
        assertResults(drain(huge), allHeld);
        assertResults(drain(exact), allHeld);
        // `some` is left unread while live values arrive (fewer than would push it out)
        long live = Math.min(2, capacity - part);
        sendRange(b, total, total + live);
        assertResults(drain(some), concat(entries(total - part, total + live), just(EMPTY)));
        // then live values: no gap and no duplicate at the hand-off
        long more = Math.min(2, capacity - live);
        sendRange(b, total + live, total + live + more);
        List<Received<String>> liveOnly = concat(entries(total, total + live + more), just(EMPTY));
        assertResults(drain(all), liveOnly);
        assertResults(drain(huge), liveOnly);
        assertResults(drain(exact), liveOnly);
        assertResults(drain(some), concat(entries(total + live, total + live + more), just(EMPTY)));
    }

    @Test
    void backlogReceiverThatFallsBehindIsToldExactly() {
        Broadcast<String> b = new Broadcast<>(3);
        sendRange(b, 0, 5); // held 2, 3, 4
        Receiver<String> r = b.subscribe(null, 3);
        assertThat(r.poll()).isEqualTo(new Entry<>(2L, v(2)));
        sendRange(b, 5, 9); // held 6, 7, 8; r is at 3
        assertResults(drain(r), concat(just(lagged(3, 6)), entries(6, 9), just(EMPTY)));
    }

    @Test
    void subscribeWithoutBacklogEqualsBacklogZero() {
        Broadcast<String> b = new Broadcast<>(4);
        sendRange(b, 0, 3);
        assertThat(b.subscribe(null).position()).isEqualTo(b.subscribe(null, 0).position()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ get / tail / oldest

    @Test
    void getOnEmptyChannel() {
        Broadcast<String> b = new Broadcast<>(4);
        assertThat(b.get(0)).isNull();
        assertThat(b.get(-1)).isNull();
        assertThat(b.get(Long.MAX_VALUE)).isNull();
        assertThat(b.get(Long.MIN_VALUE)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 1000, 1024})
    void getReturnsExactlyTheHeldWindow(int capacity) {
        Broadcast<String> b = new Broadcast<>(capacity);
        long total = 2L * capacity + 7;
        sendRange(b, 0, total);
        long oldest = total - capacity;
        assertThat(b.tail()).isEqualTo(total);
        assertThat(b.oldest()).isEqualTo(oldest);
        for (long s = 0; s < oldest; s++) {
            assertThat(b.get(s)).as("overwritten seq %d", s).isNull();
        }
        for (long s = oldest; s < total; s++) {
            assertThat(b.get(s)).as("held seq %d", s).isEqualTo(new Entry<>(s, v(s)));
        }
        assertThat(b.get(total)).as("future seq").isNull();
        assertThat(b.get(total + 1)).isNull();
        assertThat(b.get(-1)).isNull();
    }

    @Test
    void getTreatsValuesPhysicallyStillInTheRoundedUpRingAsOverwritten() {
        // capacity 1000 is backed by a 1024-slot ring: after 1030 sends, seqs 0..29 are logically
        // gone (oldest = 30) although slots 6..29 have not been reused yet.
        Broadcast<String> b = new Broadcast<>(1000);
        sendRange(b, 0, 1030);
        assertThat(b.oldest()).isEqualTo(30);
        assertThat(b.get(29)).isNull();
        assertThat(b.get(10)).isNull();
        assertThat(b.get(30)).isEqualTo(new Entry<>(30L, v(30)));
        assertThat(b.get(1029)).isEqualTo(new Entry<>(1029L, v(1029)));

        Broadcast<String> three = new Broadcast<>(3); // 4-slot ring
        sendRange(three, 0, 4);
        assertThat(three.get(0)).isNull();
        assertThat(three.get(1)).isEqualTo(new Entry<>(1L, v(1)));
    }

    @Test
    void oldestBeforeAndAfterWrap() {
        Broadcast<String> b = new Broadcast<>(3);
        assertThat(b.oldest()).isZero();
        sendRange(b, 0, 2);
        assertThat(b.oldest()).isZero();
        sendRange(b, 2, 3);
        assertThat(b.oldest()).isZero();
        sendRange(b, 3, 4);
        assertThat(b.oldest()).isEqualTo(1);
        sendRange(b, 4, 100);
        assertThat(b.oldest()).isEqualTo(97);
    }

    // ------------------------------------------------------------------ channel close

    @Test
    void closeLetsReceiversDrainThenReportsClosed() {
        Broadcast<String> b = new Broadcast<>(8);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, 3);
        b.close();
        assertThat(b.isClosed()).isTrue();
        assertResults(drain(r), concat(entries(0, 3), just(CLOSED)));
        assertThat(r.poll()).isEqualTo(CLOSED);
        assertThat(r.poll()).isEqualTo(CLOSED);
    }

    @Test
    void closeWithALaggingReceiverReportsLagThenHeldValuesThenClosed() {
        Broadcast<String> b = new Broadcast<>(3);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, 10);
        b.close();
        assertResults(drain(r), concat(just(lagged(7, 7)), entries(7, 10), just(CLOSED)));
    }

    @Test
    void sendAfterCloseIsRefused() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, 2);
        b.close();
        assertThat(b.send("late")).isEqualTo(-1);
        assertThat(b.send("later")).isEqualTo(-1);
        assertThat(b.tail()).isEqualTo(2);
        assertThat(b.get(2)).isNull();
        assertResults(drain(r), concat(entries(0, 2), just(CLOSED)));
    }

    @Test
    void subscribeAfterCloseGivesAClosedReceiver() {
        Broadcast<String> b = new Broadcast<>(4);
        sendRange(b, 0, 3);
        b.close();
        int before = b.receiverCount();
        Receiver<String> r = b.subscribe(null);
        Receiver<String> withBacklog = b.subscribe(null, 10);
        assertThat(r.isClosed()).isTrue();
        assertThat(withBacklog.isClosed()).isTrue();
        assertThat(r.poll()).isEqualTo(CLOSED);
        assertThat(withBacklog.poll()).isEqualTo(CLOSED);
        assertThat(b.receiverCount()).isEqualTo(before);
    }

    @Test
    void closeIsIdempotentAndWakesListenersOnce() {
        Broadcast<String> b = new Broadcast<>(4);
        AtomicInteger wakes = new AtomicInteger();
        b.subscribe(wakes::incrementAndGet);
        b.close();
        assertThat(wakes).hasValue(1);
        b.close();
        assertThat(wakes).hasValue(1);
        assertThat(b.isClosed()).isTrue();
    }

    @Test
    void closeKeepsHistoryReadableThroughGet() {
        Broadcast<String> b = new Broadcast<>(4);
        sendRange(b, 0, 6);
        b.close();
        assertThat(b.get(2)).isEqualTo(new Entry<>(2L, v(2)));
        assertThat(b.get(5)).isEqualTo(new Entry<>(5L, v(5)));
        assertThat(b.get(1)).isNull();
    }

    @Test
    void recvAfterCloseAndDrainReturnsClosedWithoutWaiting() throws InterruptedException {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        b.send("a");
        b.close();
        assertThat(r.recv()).isEqualTo(new Entry<>(0L, "a"));
        assertThat(r.recv()).isEqualTo(CLOSED);
        assertThat(r.recv(1, TimeUnit.HOURS)).isEqualTo(CLOSED);
    }

    // ------------------------------------------------------------------ receiver close

    @Test
    void receiverCloseUnsubscribes() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> a = b.subscribe(null);
        Receiver<String> c = b.subscribe(null);
        Receiver<String> d = b.subscribe(null);
        assertThat(b.receiverCount()).isEqualTo(3);

        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(b.receiverCount()).isEqualTo(2);
        c.close(); // idempotent
        assertThat(b.receiverCount()).isEqualTo(2);

        sendRange(b, 0, 2);
        assertThat(c.poll()).isEqualTo(CLOSED);
        assertResults(drain(a), concat(entries(0, 2), just(EMPTY)));
        assertResults(drain(d), concat(entries(0, 2), just(EMPTY)));

        a.close();
        d.close();
        assertThat(b.receiverCount()).isZero();
        assertThat(b.isClosed()).as("closing receivers does not close the channel").isFalse();
        assertThat(b.send("x")).isEqualTo(2);
    }

    @Test
    void receiverCloseDropsWhatItHadNotRead() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, 3);
        assertThat(r.poll()).isEqualTo(new Entry<>(0L, v(0)));
        r.close();
        assertThat(r.poll()).isEqualTo(CLOSED);
    }

    @Test
    void closedReceiverListenerIsNoLongerCalledBySends() {
        Broadcast<String> b = new Broadcast<>(4);
        AtomicInteger closedOnes = new AtomicInteger();
        AtomicInteger openOnes = new AtomicInteger();
        Receiver<String> r = b.subscribe(closedOnes::incrementAndGet);
        b.subscribe(openOnes::incrementAndGet);
        sendRange(b, 0, 2);
        assertThat(closedOnes).hasValue(2);
        r.close();
        int atClose = closedOnes.get(); // close itself may wake the listener
        sendRange(b, 2, 7);
        assertThat(closedOnes).hasValue(atClose);
        assertThat(openOnes).hasValue(7);
        b.close();
        assertThat(closedOnes).as("channel close does not wake an unsubscribed receiver").hasValue(atClose);
    }

    @Test
    void receiverCloseAfterChannelCloseIsHarmless() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        b.close();
        r.close();
        assertThat(r.poll()).isEqualTo(CLOSED);
        assertThat(b.receiverCount()).isZero();
    }

    @Test
    void closingAReceiverOfAClosedSubscribeDoesNotDisturbOthers() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> keep = b.subscribe(null);
        b.close();
        Receiver<String> late = b.subscribe(null);
        late.close();
        assertThat(b.receiverCount()).isEqualTo(1);
        keep.close();
        assertThat(b.receiverCount()).isZero();
    }

    // ------------------------------------------------------------------ listener

    @Test
    void listenerIsCalledOncePerSendPerReceiver() {
        Broadcast<String> b = new Broadcast<>(2);
        AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        for (AtomicInteger c : counts) b.subscribe(c::incrementAndGet);
        b.subscribe(null); // a receiver without a listener is fine
        sendRange(b, 0, 10); // well past capacity: lag does not change the count
        for (AtomicInteger c : counts) assertThat(c).hasValue(10);
    }

    @Test
    void sameListenerOnTwoReceiversIsCalledForEach() {
        Broadcast<String> b = new Broadcast<>(4);
        AtomicInteger count = new AtomicInteger();
        Wakeable w = count::incrementAndGet;
        b.subscribe(w);
        b.subscribe(w);
        sendRange(b, 0, 3);
        assertThat(count).hasValue(6);
    }

    @Test
    void listenerOnlyCalledForSendsAfterSubscribe() {
        Broadcast<String> b = new Broadcast<>(4);
        sendRange(b, 0, 3);
        AtomicInteger count = new AtomicInteger();
        b.subscribe(count::incrementAndGet, 3);
        assertThat(count).hasValue(0);
        b.send("x");
        assertThat(count).hasValue(1);
    }

    @Test
    void listenerRunsAfterTheValueIsVisible() {
        Broadcast<String> b = new Broadcast<>(4);
        List<Received<String>> seenInListener = new ArrayList<>();
        AtomicReference<Receiver<String>> holder = new AtomicReference<>();
        holder.set(b.subscribe(() -> {
            seenInListener.add(holder.get().poll());
            seenInListener.add(holder.get().poll());
        }));
        b.send("a");
        b.send("b");
        assertThat(seenInListener).containsExactly(new Entry<>(0L, "a"), EMPTY, new Entry<>(1L, "b"), EMPTY);
    }

    @Test
    void refusedSendDoesNotCallListener() {
        Broadcast<String> b = new Broadcast<>(4);
        AtomicInteger count = new AtomicInteger();
        b.subscribe(count::incrementAndGet);
        b.close();
        int afterClose = count.get();
        assertThat(b.send("x")).isEqualTo(-1);
        assertThat(count).hasValue(afterClose);
    }

    // ------------------------------------------------------------------ recv

    @Test
    void recvReturnsAnAvailableValueAtOnce() throws InterruptedException {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        b.send("a");
        assertThat(r.recv()).isEqualTo(new Entry<>(0L, "a"));
        b.send("b");
        assertThat(r.recv(1, TimeUnit.HOURS)).isEqualTo(new Entry<>(1L, "b"));
    }

    @Test
    void recvReturnsLagNotice() throws InterruptedException {
        Broadcast<String> b = new Broadcast<>(2);
        Receiver<String> r = b.subscribe(null);
        sendRange(b, 0, 5);
        assertThat(r.recv()).isEqualTo(lagged(3, 3));
        assertThat(r.recv()).isEqualTo(new Entry<>(3L, v(3)));
    }

    @Test
    void recvWithTimeoutReturnsEmptyWhenNothingComes() throws InterruptedException {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        assertThat(r.recv(50, TimeUnit.MILLISECONDS)).isEqualTo(EMPTY);
        assertThat(r.recv(0, TimeUnit.MILLISECONDS)).isEqualTo(EMPTY);
        assertThat(r.recv(-5, TimeUnit.MILLISECONDS)).isEqualTo(EMPTY);
        // still usable afterwards
        b.send("a");
        assertThat(r.recv(50, TimeUnit.MILLISECONDS)).isEqualTo(new Entry<>(0L, "a"));
    }

    @Test
    void recvOnAClosedReceiverReturnsClosed() throws InterruptedException {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        b.send("a");
        r.close();
        assertThat(r.recv()).isEqualTo(CLOSED);
    }

    @Test
    void recvThrowsWhenInterruptedWhileWaiting() {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(r::recv).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("interrupt status consumed").isFalse();
        } finally {
            Thread.interrupted();
        }
        // the receiver is still usable
        b.send("a");
        assertThat(r.poll()).isEqualTo(new Entry<>(0L, "a"));
    }

    @Test
    void recvWakesWhenAValueIsSentFromAnotherThread() throws Exception {
        Broadcast<String> b = new Broadcast<>(4);
        Receiver<String> r = b.subscribe(null);
        Thread me = Thread.currentThread();
        Thread sender = Thread.ofPlatform().start(() -> {
            // send once the receiving thread is parked in recv (or after a bounded wait)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (LockSupport.getBlocker(me) != r && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            b.send("a");
        });
        try {
            assertThat(r.recv(20, TimeUnit.SECONDS)).isEqualTo(new Entry<>(0L, "a"));
        } finally {
            sender.join();
        }
    }

    // ------------------------------------------------------------------ memory

    @Test
    void anOverwrittenValueIsReleasedWithAPowerOfTwoCapacity() throws InterruptedException {
        assertThat(releasedAfterOverwrite(4)).as("value 0 of a capacity-4 channel after 4 newer sends").isTrue();
    }

    @Test
    void anOverwrittenValueIsReleasedWithANonPowerOfTwoCapacity() throws InterruptedException {
        assertThat(releasedAfterOverwrite(3)).as("value 0 of a capacity-3 channel after 3 newer sends").isTrue();
        assertThat(releasedAfterOverwrite(1000)).as("value 0 of a capacity-1000 channel after 1000 newer sends").isTrue();
    }

    @SuppressWarnings("unused")
    private static volatile byte[] churn;

    /** Sends one big value, then {@code capacity} more, and reports whether the first one was collected. */
    private static boolean releasedAfterOverwrite(int capacity) throws InterruptedException {
        Broadcast<Object> b = new Broadcast<>(capacity);
        Object big = new byte[1 << 16];
        WeakReference<Object> ref = new WeakReference<>(big);
        b.send(big);
        big = null;
        for (int i = 0; i < capacity; i++) b.send(i);
        assertThat(b.get(0)).as("seq 0 is no longer held").isNull();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < 50 && ref.get() != null && System.nanoTime() - deadline < 0; i++) {
            System.gc();
            churn = new byte[4 << 20]; // allocation pressure, should explicit GC be disabled
            Thread.sleep(10);
        }
        boolean released = ref.get() == null;
        assertThat(b.tail()).isEqualTo(capacity + 1L); // keep b reachable until here
        return released;
    }
}
