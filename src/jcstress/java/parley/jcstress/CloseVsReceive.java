package parley.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import parley.broadcast.Broadcast;
import parley.broadcast.Received;
import parley.broadcast.Receiver;

/**
 * A value is held when the channel is closed while its receiver waits. Close refuses later sends
 * but does not discard what is held: the receiver reads value 0 and then ends with Closed, in every
 * interleaving. Its waits are timed (10 s, far beyond any legitimate wait); a wait that times out
 * records nothing more, which is a forbidden outcome.
 */
@JCStressTest
@Description("close against a receiving receiver: held values first, then Closed; never a hang")
@Outcome(id = "0 closed, -1", expect = ACCEPTABLE, desc = "read the held value, then Closed; later send refused")
@Outcome(expect = FORBIDDEN, desc = "the held value lost, no Closed (a hang), or a send accepted after close")
@State
public class CloseVsReceive {
    private final Broadcast<Integer> channel = new Broadcast<>(4);
    private final Receiver<Integer> rx = channel.subscribe(null);
    private final Seen seen = new Seen();

    public CloseVsReceive() {
        channel.send(100); // seq 0, held when the close comes
    }

    @Actor
    public void receiver() {
        try {
            for (int i = 0; i < 4; i++) {
                Received<Integer> r = seen.add(rx.recv(10, TimeUnit.SECONDS));
                if (r instanceof Received.Closed || r instanceof Received.Empty) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Actor
    public void closer() {
        channel.close();
    }

    @Arbiter
    public void check(L_Result r) {
        r.r1 = seen + ", " + channel.send(999);
    }
}
