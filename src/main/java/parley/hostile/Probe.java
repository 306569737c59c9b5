package parley.hostile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the server while one attack runs: its RSS every 100 ms, {@code /health} every 250 ms,
 * and a well-behaved member that posts to a group of its own every 200 ms and times each message's
 * return. Started before the attack, told when the attacker has left, then waits for RSS to come
 * back.
 */
final class Probe {
    static final long RSS_EVERY_MS = 100, HEALTH_EVERY_MS = 250, POST_EVERY_MS = 200;
    /** A /health answer or a member's message slower than this counts as not come. */
    static final long GIVE_UP_MS = 10_000;
    /**
     * How long RSS may take to come back after the attacker has left: two of G1's periodic cycles
     * (5 s apart once the server is quiet). Measured: the first cycle frees large messages' humongous
     * regions at its cleanup, after its remark has already sized the heap; the next one shrinks it.
     * RSS came back 10 to 25 s after a ring flood.
     */
    static final long SETTLE_MS = 30_000;

    private final Target target;
    private final long rssBefore;
    private final AtomicLong rssPeak = new AtomicLong(-1);
    private final AtomicLong healthMax = new AtomicLong();
    private final AtomicInteger healthFailures = new AtomicInteger();
    /** /health checks begun after the attacker left: at least one must have been made. */
    private final AtomicInteger healthAfter = new AtomicInteger();
    private final List<Long> trips = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger memberFailures = new AtomicInteger();
    private volatile boolean watching = true;
    private volatile boolean attacking = true;
    private final List<Thread> threads = new ArrayList<>();

    private Probe(Target target) {
        this.target = target;
        this.rssBefore = Proc.rss(target.pid());
    }

    /** Starts watching; {@code checkHealth} false when the attack is on the HTTP listener itself. */
    static Probe start(Target target, String group, boolean checkHealth) {
        Probe p = new Probe(target);
        p.threads.add(Thread.ofVirtual().name("probe-rss").start(p::sampleRss));
        if (target.http() != null) p.threads.add(Thread.ofVirtual().name("probe-health").start(() -> p.health(checkHealth)));
        p.threads.add(Thread.ofVirtual().name("probe-member").start(() -> p.member(group)));
        return p;
    }

    private void sampleRss() {
        while (watching) {
            rssPeak.accumulateAndGet(Proc.rss(target.pid()), Math::max);
            pause(RSS_EVERY_MS);
        }
    }

    private void health(boolean duringAttack) {
        while (watching) {
            long t0 = System.nanoTime();
            boolean after = !attacking;
            boolean ok;
            try {
                ok = Http.get(target.http(), "/health", (int) GIVE_UP_MS).status() == 200;
            } catch (IOException e) {
                ok = false;
            }
            // On the HTTP listener's own attack /health waits behind the attacker; it must answer once it has left.
            if (duringAttack || after) {
                healthMax.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                if (!ok) healthFailures.incrementAndGet();
            }
            if (after) healthAfter.incrementAndGet();
            pause(HEALTH_EVERY_MS);
        }
    }

    private void member(String group) {
        try (Line m = Line.open(target.chat(), 0, target.memberToken() == null ? null : "127.0.0.2")) {
            if (target.memberToken() != null) m.send("{\"Auth\":{\"token\":" + Line.json(target.memberToken()) + "}}");
            m.send(Line.join(group));
            for (int n = 0; watching; n++) {
                String text = "probe " + n;
                long t0 = System.nanoTime();
                m.send(Line.post(group, text));
                if (!awaitOwn(m, group, text, t0)) {
                    memberFailures.incrementAndGet();
                    return; // its connection is no longer in step; the failure is counted
                }
                trips.add((System.nanoTime() - t0) / 1_000_000);
                pause(POST_EVERY_MS);
            }
        } catch (IOException e) {
            memberFailures.incrementAndGet();
        }
    }

    private static boolean awaitOwn(Line m, String group, String text, long t0) throws IOException {
        String want = "\"group_name\":" + Line.json(group) + ",\"message\":" + Line.json(text);
        while (true) {
            long left = GIVE_UP_MS - (System.nanoTime() - t0) / 1_000_000;
            if (left <= 0) return false;
            String line = m.read(left);
            if (line == null || line.equals(Line.TIMEOUT)) return false;
            if (line.startsWith("{\"Message\":") && line.contains(want)) return true;
        }
    }

    /** The attacker has gone: from now on RSS should come back. */
    void attackerLeft() {
        attacking = false;
    }

    /**
     * Waits for RSS to come back (the lowest sample within {@link #SETTLE_MS}), then stops
     * watching. The wait ends early once RSS is within half the {@code margin} of where it was
     * before: ending at the margin itself would take whatever RSS is at that moment, pass or fail
     * by chance, before G1's periodic cycle has had its quiet moment to shrink the heap.
     */
    Figures finish(long margin) throws InterruptedException {
        long after = settle(target.pid(), rssBefore + margin / 2);
        long healthEnd = System.nanoTime() + (GIVE_UP_MS + 1000) * 1_000_000;
        while (target.http() != null && healthAfter.get() == 0 && System.nanoTime() < healthEnd) pause(50);
        watching = false;
        for (Thread t : threads) t.join(GIVE_UP_MS + 2000);
        List<Long> sorted;
        synchronized (trips) {
            sorted = new ArrayList<>(trips);
        }
        Collections.sort(sorted);
        long p50 = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
        long max = sorted.isEmpty() ? -1 : sorted.getLast();
        return new Figures(rssBefore, Math.max(rssPeak.get(), after), after, healthMax.get(), healthFailures.get(),
                p50, max, sorted.size(), memberFailures.get());
    }

    /**
     * The lowest RSS of {@code pid} within {@link #SETTLE_MS}, sampled every 100 ms; the wait ends
     * early once it is at most {@code enough}. -1 when unknown.
     */
    static long settle(long pid, long enough) {
        long after = Proc.rss(pid);
        long end = System.nanoTime() + SETTLE_MS * 1_000_000;
        while (after >= 0 && after > enough && System.nanoTime() < end) {
            pause(RSS_EVERY_MS);
            long now = Proc.rss(pid);
            if (now >= 0) after = Math.min(after, now);
        }
        return after;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
