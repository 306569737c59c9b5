package parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.broadcast.Coalescer;
import parley.budget.MemoryBudget;

/** The reply queue on its own: ordering snapshots, backlog accounting, and when the reader waits. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplyQueueTest {
    private final ServerConfig config = ServerConfig.defaults();

    private Outbound.Sub sub(Group g) {
        return new Outbound.Sub(new GroupTable.Membership(g, g.channel().subscribe(null, 0)));
    }

    private static void post(Group g, String text) {
        sendOnWriterThreads(g, new Posted(g.name(), text, "bob"));
    }

    @Test
    void eachReplyRemembersHowFarEachGroupHadGot() {
        ReplyQueue q = new ReplyQueue(1000);
        Group a = new Group("a", config, Coalescer.OFF);
        Group b = new Group("b", config, Coalescer.OFF);
        Outbound.Sub[] subs = {sub(a), sub(b)};
        post(a, "a1");
        post(a, "a2");
        post(b, "b1");
        q.add(new byte[10], subs);
        post(a, "a3");
        q.add(new byte[5], new Outbound.Sub[0]);
        long second = ReplyQueue.lineCost(new byte[5]) + ReplyQueue.snapshotCost(0);
        assertThat(q.bytes()).isEqualTo(ReplyQueue.lineCost(new byte[10]) + ReplyQueue.snapshotCost(2) + second);
        ReplyQueue.Reply r = q.poll();
        assertThat(r.subs()).containsExactly(subs);
        assertThat(r.upTo()).containsExactly(2, 1);
        assertThat(q.bytes()).isEqualTo(second);
        assertThat(q.poll().upTo()).isEmpty();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void theBacklogCountsWhatEachReplyHoldsSoTheLimitBoundsMemory() {
        // The first reply of a connection in 1,000 groups holds an 8 KB snapshot; each next reply
        // while no group moves shares it, so it costs its line and its queue node only.
        Group[] groups = new Group[1000];
        Outbound.Sub[] subs = new Outbound.Sub[groups.length];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = new Group("g" + i, config, Coalescer.OFF);
            subs[i] = sub(groups[i]);
        }
        MemoryBudget budget = new MemoryBudget("replies", 1 << 20);
        ReplyQueue q = new ReplyQueue(1 << 20, budget);
        byte[] line = new byte[40];
        q.add(line, subs);
        long first = ReplyQueue.lineCost(line) + ReplyQueue.snapshotCost(1000);
        assertThat(first).isGreaterThan(12_000);
        assertThat(q.bytes()).isEqualTo(first);
        assertThat(budget.used()).isEqualTo(first);
        q.add(line, subs);
        assertThat(q.bytes()).isEqualTo(first + ReplyQueue.lineCost(line));
        assertThat(budget.used()).isEqualTo(q.bytes());
        // A group moved: the next reply needs a snapshot of its own, and says so.
        post(groups[7], "m");
        q.add(line, subs);
        assertThat(budget.used()).isEqualTo(2 * first + ReplyQueue.lineCost(line));
        ReplyQueue.Reply a = q.poll(), b = q.poll(), c = q.poll();
        assertThat(a.snapshot()).isSameAs(b.snapshot());
        assertThat(a.upTo()[7]).isZero();
        assertThat(c.upTo()[7]).isEqualTo(1);
        assertThat(q.bytes()).isZero();
        assertThat(budget.used()).isZero();
    }

    @Test
    void closingGivesBackWhatIsStillQueued() {
        MemoryBudget budget = new MemoryBudget("replies", 1 << 20);
        ReplyQueue q = new ReplyQueue(1 << 20, budget);
        for (int i = 0; i < 10; i++) q.add(new byte[100], new Outbound.Sub[0]);
        assertThat(budget.used()).isPositive();
        q.close();
        assertThat(budget.used()).isZero();
        assertThat(q.bytes()).isZero();
        q.add(new byte[100], new Outbound.Sub[0]); // a notice after the close is not kept
        assertThat(budget.used()).isZero();
    }

    @Test
    void aReaderWaitsWhileTheSharedBudgetIsFullAndGoesOnWhenAnotherConnectionDrains() throws Exception {
        byte[] line = new byte[100];
        long one = ReplyQueue.lineCost(line) + ReplyQueue.snapshotCost(0);
        MemoryBudget budget = new MemoryBudget("replies", one);
        ReplyQueue other = new ReplyQueue(1 << 20, budget);
        ReplyQueue mine = new ReplyQueue(1 << 20, budget);
        Metrics metrics = new Metrics();
        assertThat(other.addWaiting(line, new Outbound.Sub[0], metrics)).isTrue();
        Thread reader = Thread.ofVirtual().start(() -> mine.addWaiting(line, new Outbound.Sub[0], metrics));
        while (budget.refusals() == 0) Thread.onSpinWait();
        assertThat(mine.isEmpty()).isTrue();
        assertThat(budget.used()).isEqualTo(one);
        other.poll();
        reader.join(Duration.ofSeconds(10));
        assertThat(reader.isAlive()).isFalse();
        assertThat(mine.isEmpty()).isFalse();
        assertThat(budget.used()).isEqualTo(one);
        // A reader released while it waits queues nothing.
        Thread stopped = Thread.ofVirtual().start(() -> assertThat(other.addWaiting(line, new Outbound.Sub[0], metrics)).isFalse());
        while (budget.refusals() < 2) Thread.onSpinWait();
        other.releaseReader();
        stopped.join(Duration.ofSeconds(10));
        assertThat(other.isEmpty()).isTrue();
    }

    @Test
    void theReaderWaitsOnlyWhileOverTheLimitAndNotReleasedOrClosed() throws Exception {
        long cost = ReplyQueue.lineCost(new byte[8]) + ReplyQueue.snapshotCost(0);
        ReplyQueue q = new ReplyQueue(cost);
        q.add(new byte[8], new Outbound.Sub[0]);
        assertThat(q.overLimit()).isFalse(); // at the limit is fine
        q.add(new byte[1], new Outbound.Sub[0]);
        assertThat(q.overLimit()).isTrue();
        Thread reader = Thread.ofVirtual().start(q::awaitRoom);
        while (reader.getState() != Thread.State.WAITING) Thread.onSpinWait();
        q.poll();
        q.drained();
        reader.join(Duration.ofSeconds(10));
        assertThat(reader.isAlive()).isFalse();

        q.add(new byte[20], new Outbound.Sub[0]);
        assertThat(q.overLimit()).isTrue();
        q.releaseReader();
        assertThat(q.overLimit()).isFalse();
        q.awaitRoom(); // returns at once

        ReplyQueue closed = new ReplyQueue(1);
        closed.add(new byte[20], new Outbound.Sub[0]);
        closed.close();
        assertThat(closed.overLimit()).isFalse();
    }

    /** A send whose quiet wake goes to the members' writer threads, never inline on this thread. */
    private static void sendOnWriterThreads(Group g, Posted p) {
        if (g.channel().sendLeavingQuietWake(p) == parley.broadcast.Broadcast.Sent.QUIET) g.channel().wakeAll();
    }
}
