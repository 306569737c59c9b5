package parley.hostile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attack 6: one client posts {@code size}-byte messages round-robin into {@code groups} groups,
 * each with one member that reads nothing (an 8 KB window) until the flood is over. Each ring holds
 * at most {@code --group-capacity-bytes} and all at most the rings budget; the poster gets no
 * Error, and each member, reading afterwards, is told exactly what it missed: what it read plus
 * its {@code Dropped N messages from G.} notices is what was posted.
 */
record RingFlood(int groups, int posts, int size) implements Attack {
    private static final Pattern DROPPED = Pattern.compile("\\{\"Error\":\"Dropped (\\d+) messages from (.*)\\.\"}");

    @Override
    public String name() {
        return "ring-flood";
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        String prefix = "hostile-ring-" + Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";
        Bound bound = Bound.of(duration);
        List<Line> members = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        String used = MetricsWatch.budget("used_bytes", "rings");
        String limit = MetricsWatch.budget("limit_bytes", "rings");
        try (Line poster = Line.open(target.chat(), 0); MetricsWatch watch = new MetricsWatch(target.http(), used, limit)) {
            for (int g = 0; g < groups; g++) {
                Line m = Line.open(target.chat(), 8 * 1024);
                members.add(m);
                m.send(Line.join(prefix + g)).send("{\"Members\":{\"group_name\":" + Line.json(prefix + g) + "}}");
                String joined = m.read(10_000);
                if (joined == null || !joined.startsWith("{\"Members\":")) failures.add("a member's join got " + joined);
            }
            ConcurrentLinkedQueue<String> posterGot = new ConcurrentLinkedQueue<>();
            String body = "y".repeat(size);
            int[] posted = new int[groups];
            for (int i = 0; i < posts && bound.open(); i++) {
                poster.send(Line.post(prefix + i % groups, body));
                posted[i % groups]++;
                String l = poster.read(1);
                if (l != null && !l.equals(Line.TIMEOUT)) posterGot.add(l);
            }
            bound.hold();
            String l = poster.read(500);
            if (l != null && !l.equals(Line.TIMEOUT)) posterGot.add(l);
            String first = posterGot.peek();
            if (first != null) failures.add("the poster got " + first.substring(0, Math.min(200, first.length())));
            long[] read = new long[groups];
            long[] dropped = new long[groups];
            List<Thread> readers = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                int group = g;
                Line m = members.get(g);
                readers.add(Thread.ofVirtual().start(() -> readAll(m, prefix + group, read, dropped, group, failures)));
            }
            for (Thread t : readers) t.join(70_000);
            watch.close();
            long least = Long.MAX_VALUE;
            for (int g = 0; g < groups; g++) {
                least = Math.min(least, read[g]);
                if (read[g] + dropped[g] != posted[g]) {
                    failures.add("a member of " + prefix + g + " read " + read[g] + " and was told of " + dropped[g]
                            + " dropped, of " + posted[g] + " posted");
                }
            }
            if (watch.available() && watch.peak(used) > watch.peak(limit)) {
                failures.add("rings budget " + (long) watch.peak(used) + " over its limit " + (long) watch.peak(limit));
            }
            int total = 0;
            for (int p : posted) total += p;
            return new Attack.Outcome(total + " posts of " + size + " bytes into " + groups
                    + " groups with non-reading members; each read at least " + least
                    + ", read + dropped = posted; rings budget peak " + MetricsWatch.n(watch.peak(used)) + " of "
                    + MetricsWatch.n(watch.peak(limit)), failures);
        } finally {
            for (Line m : members) m.close();
        }
    }

    /** Reads a member's backlog until it has been quiet for 1.5 s (at most 60 s), counting messages and drops. */
    private static void readAll(Line m, String group, long[] read, long[] dropped, int g, List<String> failures) {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            String l;
            try {
                l = m.read(1500);
            } catch (java.io.IOException e) {
                return;
            }
            if (l == null || l.equals(Line.TIMEOUT)) return;
            Matcher d = DROPPED.matcher(l);
            if (l.startsWith("{\"Message\":{\"group_name\":" + Line.json(group))) read[g]++;
            else if (d.matches() && d.group(2).equals(group)) dropped[g] += Long.parseLong(d.group(1));
            else synchronized (failures) {
                failures.add("a member got " + l.substring(0, Math.min(200, l.length())));
            }
        }
    }
}
