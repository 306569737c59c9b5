package parley.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import parley.broadcast.Broadcast;
import parley.broadcast.Coalescer;
import parley.broadcast.Receiver;

/**
 * As {@link SendVsLaggingReceive}, but the count window (100) never fills: the byte window holds two values (each weighs 1, window 2 bytes), so each send
 * drops the oldest value (no history is kept) by moving the window's published oldest end and
 * clearing its slot, while the receiver at that edge polls. Whatever the interleaving, every one
 * of the 4 values is either read once, in order, or counted in an exact lag notice.
 */
@JCStressTest
@Description("send evicting by bytes against a lagging receive: exact lag counts, read + lost == sent")
@Outcome(id = "0 lost1 2 3", expect = ACCEPTABLE, desc = "read 0 before the sends, then lost 1")
@Outcome(id = "lost1 lost1 2 3", expect = ACCEPTABLE, desc = "polled between the sends: lost 0, then 1")
@Outcome(id = "lost2 2 3", expect = ACCEPTABLE, desc = "polled after both sends: lost 0 and 1 at once")
@Outcome(expect = FORBIDDEN, desc = "a value read twice or out of order, a torn value, or a wrong lag count")
@State
public class SendEvictingByBytesVsReceive {
    private final Broadcast<Integer> channel = new Broadcast<>(100, 2, 100, 0, v -> 1, null, Coalescer.OFF);
    private final Receiver<Integer> rx = channel.subscribe(null);
    private final Seen seen = new Seen();

    public SendEvictingByBytesVsReceive() {
        channel.send(100); // seq 0
        channel.send(101); // seq 1: the window is full, rx has read nothing
    }

    @Actor
    public void sender() {
        channel.send(102); // drops seq 0
        channel.send(103); // drops seq 1
    }

    @Actor
    public void receiver() {
        seen.add(rx.poll());
    }

    @Arbiter
    public void check(L_Result r) {
        seen.drain(rx);
        r.r1 = seen.toString();
    }
}
