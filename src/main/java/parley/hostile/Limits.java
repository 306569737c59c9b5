package parley.hostile;

import java.util.ArrayList;
import java.util.List;

/**
 * What the server must stay within during each attack (see docs/reliability.md, "The hostile
 * suite", for how each number was chosen): RSS at most the memory budget plus the JVM's own
 * overhead, RSS back within {@code margin} of where it was before within 30 s of the attacker
 * leaving, every {@code /health} answered, and the member's slowest round trip at most
 * {@code memberBoundMillis}.
 */
record Limits(long maxMemory, long overhead, long margin, long memberBoundMillis) {

    /** Each way the figures break these limits, and whether the server is still there. */
    List<String> check(Figures f, Target target) {
        List<String> failures = new ArrayList<>();
        if (!target.alive()) failures.add("the server died");
        if (f.healthFailures() > 0) failures.add(f.healthFailures() + " /health requests got no 200 within "
                + Probe.GIVE_UP_MS / 1000 + " s");
        if (f.rssPeak() > maxMemory + overhead) {
            failures.add("RSS peak " + Proc.mb(f.rssPeak()) + " MB over the budget + overhead "
                    + Proc.mb(maxMemory + overhead) + " MB");
        }
        if (f.rssBefore() >= 0 && f.rssAfter() > f.rssBefore() + margin) {
            failures.add("RSS " + Proc.mb(f.rssAfter()) + " MB 30 s after, not back within " + Proc.mb(margin)
                    + " MB of " + Proc.mb(f.rssBefore()) + " MB");
        }
        if (f.memberFailures() > 0 || f.memberTrips() == 0) failures.add("the member's post did not come back");
        if (f.memberMaxMillis() > memberBoundMillis) {
            failures.add("the member's round trip took " + f.memberMaxMillis() + " ms, over " + memberBoundMillis + " ms");
        }
        return failures;
    }
}
