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
import parley.broadcast.Receiver;

/**
 * A receiver at the edge of a capacity-2 ring polls while two more values are sent, so the slot it
 * is about to read is overwritten under it. Whatever the interleaving, every one of the 4 values
 * is either read once, in order, or counted in an exact lag notice: read + lost = 4.
 */
@JCStressTest
@Description("send against a lagging receive: exact lag counts, read + lost == sent")
@Outcome(id = "0 lost1 2 3", expect = ACCEPTABLE, desc = "read 0 before the sends, then lost 1")
@Outcome(id = "lost1 lost1 2 3", expect = ACCEPTABLE, desc = "polled between the sends: lost 0, then 1")
@Outcome(id = "lost2 2 3", expect = ACCEPTABLE, desc = "polled after both sends: lost 0 and 1 at once")
@Outcome(expect = FORBIDDEN, desc = "a value read twice or out of order, a torn value, or a wrong lag count")
@State
public class SendVsLaggingReceive {
    private final Broadcast<Integer> channel = new Broadcast<>(2);
    private final Receiver<Integer> rx = channel.subscribe(null);
    private final Seen seen = new Seen();

    public SendVsLaggingReceive() {
        channel.send(100); // seq 0
        channel.send(101); // seq 1: the ring is full, rx has read nothing
    }

    @Actor
    public void sender() {
        channel.send(102); // overwrites seq 0's slot
        channel.send(103); // overwrites seq 1's slot
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
