package parley.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import parley.broadcast.Broadcast;
import parley.broadcast.Received;
import parley.broadcast.Receiver;

/**
 * A receiver parked in an untimed {@code recv()} on an empty channel; another thread closes the
 * channel. The receiver must wake and return {@code Closed}: jcstress reports STALE if it never
 * returns (a lost wake-up), and the actor throws if it returns anything but {@code Closed}.
 */
@JCStressTest(Mode.Termination)
@Description("close against a waiting receiver: it ends with Closed and never hangs")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "woken by the close")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "the receiver hung: the close's wake-up was lost")
@State
public class CloseWakesWaitingReceiver {
    private final Broadcast<Integer> channel = new Broadcast<>(4);
    private final Receiver<Integer> rx = channel.subscribe(null);

    @Actor
    public void receiver() {
        try {
            Received<Integer> r = rx.recv();
            if (!(r instanceof Received.Closed)) {
                throw new IllegalStateException("expected Closed, got " + r);
            }
        } catch (InterruptedException e) {
            // jcstress interrupts an actor it has declared stale
            Thread.currentThread().interrupt();
        }
    }

    @Signal
    public void close() {
        channel.close();
    }
}
