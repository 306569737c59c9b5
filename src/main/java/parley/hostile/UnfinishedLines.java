package parley.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Attack 5: {@code connections} connections each send {@code bytes} with no newline. Read-buffer
 * growth draws from the lines budget: those beyond it get {@code server busy: too many long lines
 * in progress; closing the connection} and a close; {@code --line-timeout} ends the rest (only
 * seen when the attack outlasts it). The lines budget is never exceeded.
 */
record UnfinishedLines(int connections, int bytes) implements Attack {
    static final String BUSY = Line.error("server busy: too many long lines in progress; closing the connection");
    private static final String TIMED_OUT = "{\"Error\":\"line not finished within ";

    @Override
    public String name() {
        return "unfinished-lines";
    }

    @Override
    public Outcome run(Target target, Duration duration) throws Exception {
        byte[] unfinished = new byte[bytes];
        Arrays.fill(unfinished, (byte) 'x');
        Bound bound = Bound.of(duration);
        List<Line> lines = new ArrayList<>();
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        String used = MetricsWatch.budget("used_bytes", "lines");
        String limit = MetricsWatch.budget("limit_bytes", "lines");
        try (MetricsWatch watch = new MetricsWatch(target.http(), used, limit)) {
            for (int i = 0; i < connections && bound.open(); i++) {
                Line l = Line.open(target.chat(), 0);
                lines.add(l);
                Thread.ofVirtual().start(() -> attack(l, unfinished, busy, timedOut, failures));
            }
            bound.hold();
            for (Line l : lines) l.close();
            watch.close();
            if (watch.available()) {
                if (watch.peak(used) > watch.peak(limit)) {
                    failures.add("lines budget " + (long) watch.peak(used) + " over its limit " + (long) watch.peak(limit));
                }
                // Each held line grows a buffer to 1 MiB: more of them than fit must have been refused.
                if ((long) lines.size() << 20 > 1.2 * watch.peak(limit) && busy.get() == 0) {
                    failures.add("no connection was refused for the lines budget");
                }
            }
            return new Attack.Outcome(lines.size() + " connections x " + bytes + " bytes unfinished; " + busy.get()
                    + " refused 'server busy', " + timedOut.get() + " timed out; lines budget peak "
                    + MetricsWatch.n(watch.peak(used)) + " of " + MetricsWatch.n(watch.peak(limit)), List.copyOf(failures));
        } finally {
            for (Line l : lines) l.close();
        }
    }

    private static void attack(Line l, byte[] unfinished, AtomicInteger busy, AtomicInteger timedOut,
                               ConcurrentLinkedQueue<String> failures) {
        Thread.ofVirtual().start(() -> {
            try {
                l.sendRaw(unfinished);
            } catch (IOException ignored) {
                // refused and closed while sending
            }
        });
        try {
            String line = l.read(600_000);
            if (line == null || line.equals(Line.TIMEOUT)) return; // held until the attacker left
            if (line.equals(BUSY)) busy.incrementAndGet();
            else if (line.startsWith(TIMED_OUT)) timedOut.incrementAndGet();
            else failures.add("an unfinished line got " + line);
        } catch (IOException e) {
            // closed by the attacker
        }
    }
}
