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
 * A session closes while its writer thread, done draining, goes to park. The close always ends
 * the writer: either the park is refused, or the parked writer is unparked, sees CLOSED and ends.
 * The writer actor really parks (as the writer thread does); a close that failed to wake it would
 * hang this test rather than pass it.
 */
@JCStressTest
@Description("writer role: close racing the writer's park; the writer always ends, the state stays CLOSED")
@Outcome(id = "parked, ended, CLOSED", expect = ACCEPTABLE, desc = "parked first, then unparked by the close")
@Outcome(id = "not parked, ended, CLOSED", expect = ACCEPTABLE, desc = "closed first: the park was refused")
@Outcome(expect = FORBIDDEN, desc = "the writer goes on after the close, or the close was undone")
@State
public class RoleCloseVsPark {
    private final WriterRole role = new WriterRole();
    private boolean parked;
    private boolean ended;

    public RoleCloseVsPark() {
        role.signal(); // IDLE to DIRTY: the writer thread is starting
    }

    @Actor
    public void writer() {
        role.enter();
        if (!role.begin()) { // closed before it even began
            ended = true;
            return;
        }
        parked = role.park();
        if (parked) role.awaitWorkOrRetire(); // returns once the close moves the state on
        ended = !role.begin();
    }

    @Actor
    public void closer() {
        role.close();
    }

    @Arbiter
    public void check(L_Result r) {
        r.r1 = (parked ? "parked" : "not parked") + ", " + (ended ? "ended" : "goes on") + ", " + role;
    }
}
