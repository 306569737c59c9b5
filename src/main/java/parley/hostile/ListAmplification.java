package parley.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attack 4: {@code owners} connections each make {@code groupsEach} groups with the longest names
 * the default allows (256 characters, 768+ bytes), then {@code attackers} connections with small
 * windows each send {@code lists} List requests and never read. Every answer is a page (at most
 * 256 KiB), so the write backlog stays under attackers x (the 1 MiB default
 * {@code --max-reply-backlog} + one page) and the replies budget under its limit.
 */
record ListAmplification(int owners, int groupsEach, int attackers, int lists) implements Attack {
    private static final long PAGE_BYTES = 256 * 1024 + 64;
    private static final long DEFAULT_BACKLOG = 1 << 20;
    private static final String BACKLOG = "parley_write_backlog_bytes";

    @Override
    public String name() {
        return "list-amplification";
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        String tag = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
        Bound bound = Bound.of(duration);
        List<Line> all = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (MetricsWatch watch = new MetricsWatch(target.http(), BACKLOG, MetricsWatch.budget("used_bytes", "replies"),
                MetricsWatch.budget("limit_bytes", "replies"))) {
            for (int o = 0; o < owners && bound.open(); o++) {
                Line owner = Line.open(target.chat(), 0);
                all.add(owner);
                StringBuilder joins = new StringBuilder();
                String last = null;
                for (int i = 0; i < groupsEach; i++) {
                    last = "日".repeat(240) + String.format("%s-%d-%04d", tag, o, i);
                    joins.append(Line.join(last)).append('\n');
                }
                owner.sendRaw(joins.toString().getBytes(UTF_8));
                owner.send("{\"Members\":{\"group_name\":" + Line.json(last) + "}}"); // answered once the joins are done
                String answer = owner.read(30_000);
                if (answer == null || !answer.startsWith("{\"Members\":")) failures.add("an owner's joins got " + answer);
            }
            String floods = ("{\"List\":{}}\n" + "{\"List\":{\"limit\":1000}}\n").repeat(Math.max(1, lists / 2));
            for (int a = 0; a < attackers && bound.open(); a++) {
                Line attacker = Line.open(target.chat(), 4096);
                all.add(attacker);
                attacker.sendRaw(floods.getBytes(UTF_8));
            }
            bound.hold();
            for (Line l : all) l.close();
            watch.close();
            long bound2 = attackers * (DEFAULT_BACKLOG + PAGE_BYTES);
            double peak = watch.peak(BACKLOG);
            double used = watch.peak(MetricsWatch.budget("used_bytes", "replies"));
            double limit = watch.peak(MetricsWatch.budget("limit_bytes", "replies"));
            if (watch.available()) {
                if (peak > bound2) failures.add("write backlog peak " + (long) peak + " over " + bound2);
                if (used > limit) failures.add("replies budget " + (long) used + " over its limit " + (long) limit);
            }
            return new Attack.Outcome(owners * groupsEach + " groups of 256-character names, " + attackers
                    + " clients x " + lists + " Lists unread; write backlog peak " + MetricsWatch.n(peak) + " (bound " + bound2
                    + ")", failures);
        } finally {
            for (Line l : all) l.close();
        }
    }
}
