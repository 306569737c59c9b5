package parley.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.budget.MemoryBudget;

/**
 * The lag window bounded in weight as well as in count, and the memory budget every held value is
 * reserved from: a receiver behind the window lags with the exact count, as behind the count window.
 * Values are strings weighing their length.
 */
@Timeout(10)
class BroadcastBytesTest {

    private static Broadcast<String> ring(int capacity, long capacityBytes, int retain, long retainBytes,
            MemoryBudget budget) {
        return new Broadcast<>(capacity, capacityBytes, retain, retainBytes, String::length, budget, Coalescer.OFF);
    }

    private static String v(int weight, char c) {
        return String.valueOf(c).repeat(weight);
    }

    @Test
    void aReceiverBehindTheByteWindowLagsExactly() {
        Broadcast<String> b = ring(100, 30, 100, 0, null);
        Receiver<String> r = b.subscribe(null);
        for (int i = 0; i < 10; i++) b.send(v(10, (char) ('a' + i))); // the window holds the last 3
        assertThat(b.oldest()).isEqualTo(7);
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(7, 7));
        for (int s = 7; s < 10; s++) assertThat(r.poll()).isEqualTo(new Entry<>(s, v(10, (char) ('a' + s))));
        assertThat(r.poll()).isInstanceOf(Received.Empty.class);
        assertThat(b.heldWeight()).isEqualTo(30);
    }

    @Test
    void theCountWindowStillAppliesUnderTheByteWindow() {
        Broadcast<String> b = ring(2, 1_000, 2, 0, null);
        Receiver<String> r = b.subscribe(null);
        for (int i = 0; i < 5; i++) b.send("x");
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(3, 3));
    }

    @Test
    void aValueHeavierThanTheWindowIsDeliveredAlone() {
        Broadcast<String> b = ring(100, 10, 100, 0, null);
        Receiver<String> r = b.subscribe(null);
        b.send("ab");
        b.send(v(50, 'z')); // five times the window: the window is this value alone
        assertThat(b.oldest()).isEqualTo(1);
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(1, 1));
        assertThat(r.poll()).isEqualTo(new Entry<>(1, v(50, 'z')));
        b.send("cd"); // and the next one pushes it out
        assertThat(b.oldest()).isEqualTo(2);
        assertThat(b.heldWeight()).isEqualTo(2);
    }

    @Test
    void historyIsKeptBeyondTheByteWindowWithinRetainBytes() {
        Broadcast<String> b = ring(100, 10, 100, 25, null);
        for (int i = 0; i < 5; i++) b.send(v(5, (char) ('a' + i)));
        assertThat(b.oldest()).isEqualTo(3); // the window: 3 and 4
        assertThat(b.retainedFrom()).isEqualTo(0); // 25 bytes in all are kept for history reads
        b.send(v(5, 'f'));
        assertThat(b.retainedFrom()).isEqualTo(1);
        assertThat(b.get(1).value()).isEqualTo(v(5, 'b'));
        // a new receiver's backlog starts at the window, as it does with the count window
        Receiver<String> r = b.subscribe(null, 10);
        assertThat(r.poll()).isEqualTo(new Entry<>(4, v(5, 'e')));
    }

    @Test
    void theBudgetHoldsWhatTheRingHoldsAndGetsItAllBack() {
        MemoryBudget budget = new MemoryBudget("rings", 1_000);
        Broadcast<String> b = ring(100, 30, 100, 50, budget);
        for (int i = 0; i < 10; i++) b.send(v(10, 'a'));
        // the window's 30, and history up to 50 in all
        assertThat(budget.used()).isEqualTo(b.heldWeight()).isEqualTo(50);
        b.discard();
        assertThat(budget.used()).isZero();
        assertThat(b.send("x")).isEqualTo(-1);
    }

    @Test
    void aRefusingBudgetDropsTheRingsOldestAndReceiversLagExactly() {
        MemoryBudget budget = new MemoryBudget("rings", 100);
        Broadcast<String> b = ring(100, 1_000, 100, 1_000, budget);
        Receiver<String> r = b.subscribe(null);
        for (int i = 0; i < 4; i++) b.send(v(20, (char) ('a' + i))); // 80 of 100
        assertThat(budget.tryReserve(10)).isTrue(); // another ring takes 10
        b.send(v(20, 'e')); // 110 > 100: the oldest (a) is dropped first
        assertThat(budget.used()).isEqualTo(90 + 10 - 20 + 10 - 10 + 10).isLessThanOrEqualTo(100);
        assertThat(b.oldest()).isEqualTo(1);
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(1, 1));
        for (int s = 1; s < 5; s++) assertThat(r.poll()).isEqualTo(new Entry<>(s, v(20, (char) ('a' + s))));
        budget.release(10);
    }

    @Test
    void aValueTheBudgetCannotHoldEvenAloneIsRefusedWithoutTakingASequenceNumber() {
        MemoryBudget budget = new MemoryBudget("rings", 100);
        Broadcast<String> b = ring(100, 1_000, 100, 1_000, budget);
        Receiver<String> r = b.subscribe(null);
        b.send(v(30, 'a'));
        assertThat(budget.tryReserve(60)).isTrue(); // others hold 60: 40 left with the ring emptied
        assertThat(b.sendLeavingQuietWake(v(50, 'b'))).isEqualTo(Broadcast.Sent.FULL);
        assertThat(b.tail()).isEqualTo(1);
        assertThat(budget.used()).isEqualTo(60); // the ring dropped its own value trying
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(1, 1));
        assertThat(r.poll()).isInstanceOf(Received.Empty.class);
        // a sender that cannot refuse takes the number and drops the value: receivers lag over it
        assertThat(b.sendOrDrop(v(50, 'c'))).isEqualTo(1);
        assertThat(r.poll()).isEqualTo(new Received.Lagged<String>(1, 2));
        assertThat(b.send(v(10, 'd'))).isEqualTo(2);
        assertThat(r.poll()).isEqualTo(new Entry<>(2, v(10, 'd')));
        assertThat(budget.used()).isEqualTo(70);
        budget.release(60);
    }

    /** Bytes the current thread allocates for {@code sends} sends of one value into {@code b}. */
    private static long allocatedBySends(Broadcast<String> b, int sends) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        String value = "0123456789";
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < sends; i++) b.send(value);
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void theByteWindowAndTheBudgetAllocateNothingMorePerSend() {
        int n = 200_000;
        Broadcast<String> plain = new Broadcast<>(1000, 1000, Long.MAX_VALUE, String::length);
        Broadcast<String> bounded = ring(1000, 5_000, 1000, 8_000, new MemoryBudget("rings", 6_000));
        for (int round = 0; round < 3; round++) { // warm up both paths
            allocatedBySends(plain, n);
            allocatedBySends(bounded, n);
        }
        long a = allocatedBySends(plain, n);
        long b = allocatedBySends(bounded, n);
        System.out.printf("bytes allocated per send: plain %.1f, byte window and budget %.1f%n", (double) a / n,
                (double) b / n);
        // one entry a send either way (the ring itself is full-size after the warm-up)
        assertThat((double) b / n).isLessThanOrEqualTo((double) a / n + 1.0);
    }
}
