package parley.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JL_Result;
import parley.broadcast.Broadcast;
import parley.broadcast.Receiver;

/**
 * Join with history racing a post: the receiver asks for one value of backlog while value 1 is
 * sent. History and live values come from one sequence, so it sees "0 1" (subscribed first) or
 * "1" (subscribed after): no gap between history and live, no duplicate.
 */
@JCStressTest
@Description("send against subscribe with a backlog: history hands off to live values without a gap or duplicate")
@Outcome(id = "0, 0 1", expect = ACCEPTABLE, desc = "subscribed before the send: value 0 as history, then 1")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "subscribed after the send: value 1 as history")
@Outcome(expect = FORBIDDEN, desc = "gap, duplicate, wrong order or lag")
@State
public class SendVsSubscribeWithHistory {
    private final Broadcast<Integer> channel = new Broadcast<>(4);
    private final Seen seen = new Seen();
    private Receiver<Integer> rx;

    public SendVsSubscribeWithHistory() {
        channel.send(100); // seq 0
    }

    @Actor
    public void sender() {
        channel.send(101); // seq 1
    }

    @Actor
    public void subscriber(JL_Result r) {
        rx = channel.subscribe(null, 1);
        r.r1 = rx.position();
        seen.add(rx.poll());
    }

    @Arbiter
    public void check(JL_Result r) {
        seen.drain(rx);
        r.r2 = seen.toString();
    }
}
