package parley.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Attack 2: silent connections on the chat port until the descriptors run out. The server admits
 * at most its {@code --max-connections} (lowered at start to what the open-files limit allows,
 * read from {@code /metrics}); every one beyond gets {@code server full: at most N connections;
 * closing the connection} and a close, none hangs. Opens {@code extra} more than there is room
 * for (just {@code extra} when the limit is unknown), at most 15,000 in all.
 */
record SilentConnections(int extra) implements Attack {
    private static final int MOST = 15_000;
    private static final int OPENERS = 4;

    @Override
    public String name() {
        return "silent-connections";
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        Map<String, Double> m = Http.metrics(target.http());
        long max = m.getOrDefault("parley_max_connections", -1.0).longValue();
        long room = max < 0 ? Long.MAX_VALUE : max - m.getOrDefault("parley_connections", 0.0).longValue();
        int count = (int) Math.min(MOST, max < 0 ? extra : room + extra);
        String full = Line.error("server full: at most " + max + " connections; closing the connection");
        Bound bound = Bound.of(duration);
        List<Line> lines = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try {
            // A few openers at once: thousands of connections within a short attack.
            List<Thread> openers = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int o = 0; o < OPENERS; o++) {
                openers.add(Thread.ofVirtual().start(() -> {
                    for (int i; (i = next.getAndIncrement()) < count && bound.open(); ) {
                        Line l;
                        try {
                            l = Line.open(target.chat(), 0);
                        } catch (IOException e) {
                            failures.add("connection " + i + " not accepted: " + e.getMessage());
                            return;
                        }
                        synchronized (lines) {
                            lines.add(l);
                        }
                        Thread.ofVirtual().start(() -> answer(l, full, refused, failures));
                    }
                }));
            }
            for (Thread t : openers) t.join();
            bound.hold();
            long over = room == Long.MAX_VALUE ? 0 : lines.size() - room;
            // The last ones' answers: a loaded server may take a few seconds to refuse hundreds.
            for (int i = 0; i < 100 && refused.get() < over - 10; i++) Probe.pause(100);
            // Others (the probe, other attacks) come and go meanwhile: a few either way.
            if (over > 10 && refused.get() < over - 10) {
                failures.add(lines.size() + " silent connections, " + over + " over the limit " + max + ", but only "
                        + refused.get() + " got 'server full'");
            }
            List<String> first = failures.stream().limit(20).toList();
            return new Attack.Outcome(lines.size() + " silent connections (limit " + MetricsWatch.n(max) + "), " + refused.get()
                    + " answered server full and closed", first);
        } finally {
            for (Line l : lines) l.close();
        }
    }

    private static void answer(Line l, String full, AtomicInteger refused, ConcurrentLinkedQueue<String> failures) {
        try {
            String line = l.read(600_000);
            if (line == null || line.equals(Line.TIMEOUT)) return; // closed by the attacker as it leaves
            if (!line.equals(full)) {
                failures.add("a silent connection got " + line);
            } else if (!l.ended(10_000)) {
                failures.add("a connection told 'server full' was not closed");
            } else {
                refused.incrementAndGet();
            }
        } catch (IOException e) {
            // closed by the attacker
        }
    }
}
