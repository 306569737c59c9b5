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
 * The ring array starts at 16 slots and doubles as values arrive. Here the send of value 16
 * replaces the array while the receiver reads value 15 and 16: the new array must be published
 * before the tail moves, so the reader always finds both values, in order, with no lag (the
 * capacity is 32).
 */
@JCStressTest
@Description("send that grows the ring against a receive: no value lost or torn across the copy")
@Outcome(id = "15 16", expect = ACCEPTABLE, desc = "both values, in order")
@Outcome(expect = FORBIDDEN, desc = "a value lost, torn or duplicated by the growth")
@State
public class SendGrowingRingVsReceive {
    private final Broadcast<Integer> channel = new Broadcast<>(32);
    private final Receiver<Integer> rx = channel.subscribe(null);
    private final Seen seen = new Seen();

    public SendGrowingRingVsReceive() {
        for (int s = 0; s < 16; s++) channel.send(100 + s);
        for (int s = 0; s < 15; s++) rx.poll(); // rx is now at seq 15
    }

    @Actor
    public void sender() {
        channel.send(116); // seq 16: doubles the ring
    }

    @Actor
    public void receiver() {
        seen.add(rx.poll());
        seen.add(rx.poll());
    }

    @Arbiter
    public void check(L_Result r) {
        seen.drain(rx);
        r.r1 = seen.toString();
    }
}
