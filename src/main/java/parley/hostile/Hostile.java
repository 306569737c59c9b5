package parley.hostile;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The suite's run: starts the server (or takes the one given), runs each attack with a {@link Probe}
 * watching, checks the {@link Limits} and the attack's own answer, prints a line per attack and a
 * Markdown table, and returns the exit code.
 */
final class Hostile {
    /**
     * Everything a run is told; see {@link HostileCommand} for the options. {@code connect} is the
     * server to attack, null to start one from {@code classPath}.
     */
    record Settings(Duration duration, Target connect, Set<String> only, String maxMemory, Limits limits,
                    String classPath) {}

    /** The child server's header timeout: short, so that a 5 s slowloris sees its half-sent requests closed. */
    static final Duration HTTP_IDLE_TIMEOUT = Duration.ofSeconds(4);
    private static final String TOKEN = "hostile-member-token-0123456789";

    private final Settings s;
    private final PrintStream out;
    private final List<Row> rows = new ArrayList<>();

    Hostile(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /** Runs the suite; 0 if every check held, 1 otherwise. */
    int run() throws Exception {
        List<Attack> attacks = new ArrayList<>();
        for (Attack a : Attack.all(s.connect() == null ? HTTP_IDLE_TIMEOUT : null)) {
            if (s.only().isEmpty() || s.only().contains(a.name())) attacks.add(a);
        }
        ChildServer child = null;
        try {
            if (s.connect() == null) {
                child = ChildServer.start(s.classPath(), s.maxMemory(),
                        List.of("--http-idle-timeout", HTTP_IDLE_TIMEOUT.toSeconds() + "s"), null);
            }
            Target target = child != null ? child.target : s.connect();
            out.printf("hostile: %d attacks, %s each, against %s server %s (pid %d, --max-memory %s)%n", attacks.size(),
                    s.duration().toSeconds() + "s", child != null ? "a child-process" : "the", target.chat(),
                    target.pid(), s.maxMemory());
            Probe.pause(3000); // the server's start-up compilation settles before the first "before"
            long baseline = Proc.rss(target.pid());
            for (Attack a : attacks) {
                Row row = runOne(a, target);
                rows.add(row);
                out.println(line(row));
                out.flush();
                if (!target.alive()) {
                    out.println("hostile: the server died" + (child != null ? ": " + child.logTail() : ""));
                    break;
                }
            }
            if (target.alive()) rows.add(settled(target, baseline));
        } finally {
            if (child != null) child.close();
        }
        return report(rows);
    }

    /**
     * The whole run's after: each attack's wait ends as soon as RSS is back near where that attack
     * began, so RSS may ratchet up from one attack to the next while G1 has had no quiet moment to
     * shrink the heap; once they are all over it must come back within the margin of where the
     * run began.
     */
    private Row settled(Target target, long baseline) {
        long end = Probe.settle(target.pid(), baseline + s.limits().margin());
        List<String> failures = new ArrayList<>();
        if (baseline >= 0 && end > baseline + s.limits().margin()) {
            failures.add("RSS " + Proc.mb(end) + " MB " + Probe.SETTLE_MS / 1000 + " s after the last attack, not back "
                    + "within " + Proc.mb(s.limits().margin()) + " MB of " + Proc.mb(baseline) + " MB before the first");
        }
        Figures f = new Figures(baseline, -1, end, -1, 0, -1, -1, 0, 0);
        Row row = new Row("(all, after the last)", new Attack.Outcome("RSS before the first attack " + Proc.mb(baseline)
                + " MB, after the last " + Proc.mb(end) + " MB", failures), f, failures, null);
        out.println("hostile: after the last attack " + (row.ok() ? "OK: " : "FAILED: ") + row.outcome().figures()
                + (row.ok() ? "" : "\n  " + failures.getFirst()));
        return row;
    }

    private Row runOne(Attack a, Target target) throws Exception {
        if (a.needsHttp() && target.http() == null) return Row.skipped(a.name(), "no HTTP side (--http)");
        if (!a.needsTokens()) return measure(a, target);
        if (s.connect() != null) return Row.skipped(a.name(), "needs a server with --auth-tokens; runs without --connect");
        // Its own server: one with tokens, which every other attack would have to sign in to.
        Path tokens = Files.createTempFile("parley-hostile-tokens", ".txt");
        try {
            Files.writeString(tokens, TOKEN + " member\n");
            try (ChildServer auth = ChildServer.start(s.classPath(), s.maxMemory(),
                    List.of("--auth-tokens", tokens.toString()), TOKEN)) {
                Probe.pause(3000);
                return measure(a, auth.target);
            }
        } finally {
            Files.deleteIfExists(tokens);
        }
    }

    private Row measure(Attack a, Target target) throws Exception {
        Probe probe = Probe.start(target, "hostile-probe-" + a.name(), a.healthDuringAttack());
        Attack.Outcome outcome;
        try {
            outcome = a.run(target, s.duration());
        } catch (Exception e) {
            outcome = new Attack.Outcome("stopped: " + e, List.of("the attack itself failed: " + e));
        }
        probe.attackerLeft();
        Figures f = probe.finish(s.limits().margin());
        List<String> failures = new ArrayList<>(s.limits().check(f, target));
        failures.addAll(outcome.failures());
        return new Row(a.name(), outcome, f, failures, null);
    }

    private static String line(Row r) {
        if (r.skipped() != null) return "hostile: " + r.attack() + ": skipped (" + r.skipped() + ")";
        Figures f = r.figures();
        StringBuilder b = new StringBuilder("hostile: ").append(r.attack()).append(r.ok() ? " OK: " : " FAILED: ")
                .append(r.outcome().figures()).append("; RSS ").append(Proc.mb(f.rssBefore())).append(" -> ")
                .append(Proc.mb(f.rssPeak())).append(" -> ").append(Proc.mb(f.rssAfter())).append(" MB; /health max ")
                .append(f.healthMaxMillis()).append(" ms; member p50 ").append(f.memberP50Millis()).append(" ms, max ")
                .append(f.memberMaxMillis()).append(" ms (").append(f.memberTrips()).append(" trips)");
        for (String failure : r.failures().subList(0, Math.min(5, r.failures().size()))) b.append("\n  ").append(failure);
        if (r.failures().size() > 5) b.append("\n  and ").append(r.failures().size() - 5).append(" more");
        return b.toString();
    }

    /** The rows of the last run, for a test to look into. */
    List<Row> rows() {
        return List.copyOf(rows);
    }

    private int report(List<Row> rows) {
        out.println();
        out.println(Row.markdownHead());
        for (Row r : rows) out.println(r.markdown());
        Limits l = s.limits();
        out.printf("%nhostile: limits: RSS peak <= %s MB (--max-memory %s + %s MB overhead), back within %s MB, "
                        + "member round trip <= %d ms%n", Proc.mb(l.maxMemory() + l.overhead()), s.maxMemory(),
                Proc.mb(l.overhead()), Proc.mb(l.margin()), l.memberBoundMillis());
        long failed = rows.stream().filter(r -> !r.ok()).count();
        if (failed == 0) {
            out.println("hostile: OK: every attack answered as documented, every limit held");
            return 0;
        }
        out.println("hostile: FAILED: " + failed + " of " + rows.size() + " attacks");
        return 1;
    }
}
