package parley.hostile;

import java.time.Duration;
import java.util.List;

/**
 * One hostile client of issue 18, run from outside against a {@link Target}. Each is bounded in
 * count (its record's sizes) and in time (the duration it is given, plus the few seconds it takes
 * to collect the answers); it leaves (closes everything) before it returns.
 */
sealed interface Attack permits HttpSlowloris, SilentConnections, ReplyBacklog, ListAmplification,
        UnfinishedLines, RingFlood, FragmentFlood, BadFrames, DnsRebinding, RequestFlood, AuthGuessing {

    /** The name {@code --only} takes and the report shows. */
    String name();

    /** Attacks the server for about {@code duration}, leaves, and says whether it got the documented answer. */
    Outcome run(Target target, Duration duration) throws Exception;

    /** Needs the server's HTTP side (skipped without one). */
    default boolean needsHttp() {
        return false;
    }

    /** Needs a server that takes Auth tokens (the suite starts one of its own). */
    default boolean needsTokens() {
        return false;
    }

    /** Whether {@code /health} must answer while it runs (not while the HTTP listener itself is flooded). */
    default boolean healthDuringAttack() {
        return true;
    }

    /** What the attack did and saw, and each way the server's answer was not the documented one. */
    record Outcome(String figures, List<String> failures) {
        boolean ok() {
            return failures.isEmpty();
        }
    }

    /** Every attack at the size the suite runs it. */
    static List<Attack> all(Duration httpIdleTimeout) {
        return List.of(new HttpSlowloris(1500, httpIdleTimeout), new SilentConnections(600), new ReplyBacklog(1000, 200_000),
                new ListAmplification(2, 1000, 20, 30), new UnfinishedLines(400, 600_000), new RingFlood(4, 120, 1_000_000),
                new FragmentFlood(30, 64 * 1024, 960 * 1024), new BadFrames(200), new DnsRebinding(300),
                new RequestFlood(6000, 5), new AuthGuessing(50));
    }
}
