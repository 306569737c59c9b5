package parley.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attack 3: a connection in {@code groups} groups sends small bad requests and never reads, while
 * another connection posts into one of those groups (so its queued replies cannot share one
 * ordering snapshot). The server counts what each queued reply holds: the attacker's reader is
 * paused ({@code parley_backlog_pauses_total} grows) and the replies budget is never exceeded.
 */
record ReplyBacklog(int groups, int badLines) implements Attack {
    private static final String PAUSES = "parley_backlog_pauses_total";

    @Override
    public String name() {
        return "reply-backlog";
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        String prefix = "hostile-backlog-" + Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";
        Bound bound = Bound.of(duration);
        List<String> failures = new ArrayList<>();
        try (Line attacker = Line.open(target.chat(), 4096);
             Line mover = Line.open(target.chat(), 0);
             MetricsWatch watch = new MetricsWatch(target.http(), PAUSES, MetricsWatch.budget("used_bytes", "replies"),
                     MetricsWatch.budget("limit_bytes", "replies"))) {
            StringBuilder joins = new StringBuilder();
            for (int i = 0; i < groups; i++) joins.append(Line.join(prefix + i)).append('\n');
            attacker.sendRaw(joins.toString().getBytes(StandardCharsets.UTF_8));
            mover.send(Line.join(prefix + 0));
            byte[] bad = "{}\n".repeat(badLines).getBytes(StandardCharsets.US_ASCII);
            Thread flood = Thread.ofVirtual().start(() -> {
                try {
                    attacker.sendRaw(bad);
                } catch (IOException ignored) {
                    // reset as the attacker leaves
                }
            });
            for (int n = 0; bound.open(); n++) {
                mover.send(Line.post(prefix + 0, "moving " + n));
                for (String l = mover.read(1); l != null && !l.equals(Line.TIMEOUT); l = mover.read(1)) {
                    // drop what comes back: only the ring's movement matters
                }
                Probe.pause(50);
            }
            attacker.reset();
            flood.join(10_000);
            watch.close();
            double used = watch.peak(MetricsWatch.budget("used_bytes", "replies"));
            double limit = watch.peak(MetricsWatch.budget("limit_bytes", "replies"));
            if (watch.available()) {
                if (watch.growth(PAUSES) < 1) failures.add("the attacker's reader was never paused");
                if (used > limit) failures.add("replies budget " + (long) used + " over its limit " + (long) limit);
            }
            return new Attack.Outcome("in " + groups + " groups, " + badLines + " bad lines unread; reader paused "
                    + MetricsWatch.n(watch.growth(PAUSES)) + " times; replies budget peak " + MetricsWatch.n(used)
                    + " of " + MetricsWatch.n(limit), failures);
        }
    }
}
