package parley.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJL_Result;
import parley.broadcast.Broadcast;
import parley.broadcast.Entry;
import parley.broadcast.Received;
import parley.broadcast.Receiver;

/**
 * Two senders race. They must get distinct, consecutive sequence numbers (0 and 1), and a receiver
 * subscribed beforehand must read both values in sequence order: the value each sender got back a
 * number for is the value stored under that number.
 */
@JCStressTest
@Description("two senders racing: distinct consecutive seqs, both values readable in seq order")
@Outcome(id = "0, 1, A B", expect = ACCEPTABLE, desc = "A sent first")
@Outcome(id = "1, 0, B A", expect = ACCEPTABLE, desc = "B sent first")
@Outcome(expect = FORBIDDEN, desc = "same or non-consecutive seqs, a value lost, or read out of seq order")
@State
public class TwoSenders {
    private final Broadcast<String> channel = new Broadcast<>(4);
    private final Receiver<String> rx = channel.subscribe(null);

    @Actor
    public void senderA(JJL_Result r) {
        r.r1 = channel.send("A");
    }

    @Actor
    public void senderB(JJL_Result r) {
        r.r2 = channel.send("B");
    }

    @Arbiter
    public void check(JJL_Result r) {
        StringBuilder sb = new StringBuilder();
        long expect = 0;
        for (int i = 0; i < 8; i++) {
            Received<String> got = rx.poll();
            if (!(got instanceof Entry<String> e)) {
                if (!(got instanceof Received.Empty)) sb.append(" ").append(got);
                break;
            }
            if (e.seq() != expect++) sb.append(" seq").append(e.seq()).append('!');
            Entry<String> byNumber = channel.get(e.seq());
            if (byNumber == null || !e.value().equals(byNumber.value())) sb.append(" get!");
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(e.value());
        }
        r.r3 = sb.toString();
    }
}
