package parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.broadcast.Coalescer;

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
        assertThat(q.bytes()).isEqualTo(15);
        ReplyQueue.Reply r = q.poll();
        assertThat(r.subs()).containsExactly(subs);
        assertThat(r.upTo()).containsExactly(2, 1);
        assertThat(q.bytes()).isEqualTo(5);
        assertThat(q.poll().upTo()).isEmpty();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void theReaderWaitsOnlyWhileOverTheLimitAndNotReleasedOrClosed() throws Exception {
        ReplyQueue q = new ReplyQueue(8);
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
