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
import parley.server.outbound.WriterRole;

/**
 * A connection's writer thread is parked, lingering, and housekeeping has asked it to retire; a
 * sender signals new work at the same moment. The work must never be lost and never get two
 * writers: either the retiring writer sees the signal and carries on (the signaller starts
 * nothing), or it retires first and the signaller starts a new writer.
 */
@JCStressTest
@Description("writer role: a signal racing the linger's PARKED to IDLE; exactly one writer goes on")
@Outcome(id = "carried on, DIRTY", expect = ACCEPTABLE, desc = "the signal came first: the old writer carries on")
@Outcome(id = "retired + new writer, DIRTY", expect = ACCEPTABLE, desc = "the writer retired first: the signal started a new one")
@Outcome(expect = FORBIDDEN, desc = "no writer for the work (lost signal) or two writers at once")
@State
public class RoleSignalVsRetire {
    private final WriterRole role = new WriterRole();
    private boolean started;
    private boolean retired;

    public RoleSignalVsRetire() {
        role.signal(); // IDLE to DIRTY: a writer thread started ...
        role.begin();  // ... drained ...
        role.park();   // ... and is parked, lingering
    }

    @Actor
    public void sender() {
        started = role.signal();
    }

    @Actor
    public void retiringWriter() {
        role.retireWhenParked(); // housekeeping's request (the writer is not registered: no unpark here)
        retired = role.awaitWorkOrRetire() && role.tryRetire();
    }

    @Arbiter
    public void check(L_Result r) {
        String who = retired && started ? "retired + new writer"
                : !retired && !started ? "carried on"
                : retired ? "retired, no writer" : "two writers";
        r.r1 = who + ", " + role;
    }
}
