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
 * A receiver subscribing while a value is sent. Value 0 was sent before the race; value 1 is sent
 * during it. The receiver starts either before value 1 (and must then see it exactly once, in the
 * poll that races the send or in a later one) or after it (and must see nothing): never value 0,
 * never a lag, never a gap.
 */
@JCStressTest
@Description("send against subscribe: a new receiver sees the racing value exactly once or starts after it")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "subscribed before the send: sees value 1")
@Outcome(id = "2, nothing", expect = ACCEPTABLE, desc = "subscribed after the send: starts past it")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated or old value, or a lag")
@State
public class SendVsSubscribe {
    private final Broadcast<Integer> channel = new Broadcast<>(4);
    private final Seen seen = new Seen();
    private Receiver<Integer> rx;

    public SendVsSubscribe() {
        channel.send(100); // seq 0
    }

    @Actor
    public void sender() {
        channel.send(101); // seq 1
    }

    @Actor
    public void subscriber(JL_Result r) {
        rx = channel.subscribe(null);
        r.r1 = rx.position();
        seen.add(rx.poll());
    }

    @Arbiter
    public void check(JL_Result r) {
        seen.drain(rx);
        r.r2 = seen.toString();
    }
}
