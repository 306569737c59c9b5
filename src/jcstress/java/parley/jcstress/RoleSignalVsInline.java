package parley.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import parley.server.outbound.WriterRole;

/**
 * The role is free. A sender signals (and starts a writer thread if the role was free) while
 * another sender takes the role to write inline and then gives it back. At every moment at most
 * one thread holds the role (counted in {@code holders}), and the signal's work is always left to
 * someone: the writer it started, or the writer thread the inline holder hands over to because it
 * saw the signal.
 */
@JCStressTest
@Description("writer role: a signal racing an inline acquire; exactly one holder, the signal never lost")
@Outcome(id = "writer started, inline refused, max 1", expect = ACCEPTABLE, desc = "the signal came first")
@Outcome(id = "writer started, inline done before, max 1", expect = ACCEPTABLE, desc = "the inline turn ended first")
@Outcome(id = "no writer, inline hands over, max 1", expect = ACCEPTABLE, desc = "the signal came during the inline turn")
@Outcome(expect = FORBIDDEN, desc = "two holders at once, or the signal's work left to nobody")
@State
public class RoleSignalVsInline {
    private final WriterRole role = new WriterRole();
    private final AtomicInteger holders = new AtomicInteger();
    private final AtomicInteger maxHolders = new AtomicInteger();
    private boolean started;
    private boolean acquired;
    private boolean handedOver;

    private void hold() {
        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
    }

    @Actor
    public void signaller() {
        started = role.signal();
        if (started) hold(); // the writer thread it starts holds the role from now on
    }

    @Actor
    public void inlineSender() {
        acquired = role.tryAcquireInline();
        if (!acquired) return;
        hold();
        holders.decrementAndGet(); // done writing: it lets go before giving the role back
        if (!role.releaseInline()) {
            handedOver = true; // a signal came: the writer thread it starts takes the role over
            hold();
        }
    }

    @Arbiter
    public void check(L_Result r) {
        String inline = !acquired ? "inline refused" : handedOver ? "inline hands over" : "inline done before";
        r.r1 = (started ? "writer started" : "no writer") + ", " + inline + ", max " + maxHolders.get()
                + (started && handedOver ? ", TWO WRITERS" : "")
                + (!started && !handedOver ? ", SIGNAL LOST" : "");
    }
}
