package parley.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fan-out and groups scenarios: connect the subscribers (each joins one group), connect the
 * publishers, wait until every subscriber has received a readiness post (the protocol has no join
 * acknowledgement, so this is how the bench knows the joins took effect), then publish open-loop
 * through warm-up and the measured window, wait for stragglers, and count.
 */
final class LoadRun implements Run {
    private static final long SECOND = 1_000_000_000L;

    private final BenchConfig c;
    private final Status status;
    private final List<Publisher> publishers = new CopyOnWriteArrayList<>();
    private volatile SubscriberPool pool;
    private volatile boolean aborted;

    LoadRun(BenchConfig config, Status status) {
        this.c = config;
        this.status = status;
    }

    @Override
    public LoadReport run() throws BenchException, IOException {
        String[] names = Run.groupNames(c.groups());
        int wanted = c.groups() * c.subsPerGroup();
        Transport transport = Run.transport(c);
        Transport elsewhere = null;
        SubscriberPool subs = Run.pool(transport, c.ioThreads(), names, 16 * 1024);
        pool = subs;
        SubscriberStats stats = null;
        try {
            long connectDeadline = BenchClock.now() + c.connectBudget().toNanos();
            int connected = subs.connect(wanted, connectDeadline, status);
            if (connected == 0 && wanted > 0) {
                throw new BenchException("cannot connect to " + LoadReport.hostPort(c) + ": " + subs.firstFailure()
                        + " (is a server running there? ./parley server)");
            }
            subs.awaitRegistered(connectDeadline + 10 * SECOND);
            if (c.publishTo() == null) {
                connectPublishers(transport, names, wanted);
            } else {
                elsewhere = Transport.of(c, c.publisherTarget(), c.httpFor(c.publisherTarget()), c.publishers());
                connectPublishers(elsewhere, names, 0);
            }
            int ready = awaitReady(subs, BenchClock.now() + c.syncBudget().toNanos());
            if (ready < subs.connected()) {
                status.warn((subs.connected() - ready) + " subscribers never saw a readiness post; measuring anyway");
            }
            BenchClock.sleepUntil(BenchClock.now() + SECOND / 10); // let the last readiness posts drain
            for (Publisher p : publishers) p.forgetErrors();

            long start = BenchClock.now() + SECOND / 20;
            Schedule first = null;
            for (int p = 0; p < publishers.size(); p++) {
                Schedule s = Schedule.of(start, c.warmup().toNanos(), c.duration().toNanos(), c.rate(),
                        publishers.size(), p);
                if (first == null) first = s;
                publishers.get(p).start(s);
            }
            long end = first.end();
            CpuUse cpu;
            try (Status.Ticker _ = status.ticker(progress(first))) {
                BenchClock.awaitUntil(() -> aborted, first.warmupEnd(), SECOND / 100);
                CpuUse.Sample from = CpuUse.Sample.take(c.serverPid());
                BenchClock.awaitUntil(() -> aborted, end, SECOND / 100);
                cpu = from.until(CpuUse.Sample.take(c.serverPid()));
                for (Publisher p : publishers) p.awaitSender(end + 3 * SECOND);
                long expected = expected(subs);
                BenchClock.awaitUntil(() -> aborted || subs.liveMeasured() >= expected
                                || subs.liveMeasured() + subs.liveDropped() >= expected,
                        BenchClock.now() + BenchConfig.STRAGGLER_WAIT.toNanos(), 10_000_000L);
            }
            int disconnects = subs.disconnects();
            for (Publisher p : publishers) p.close();
            stats = subs.stop();
            return report(subs, transport, ready, disconnects, stats, cpu);
        } finally {
            for (Publisher p : publishers) p.close();
            if (stats == null) subs.stop();
            transport.close();
            if (elsewhere != null) elsewhere.close();
        }
    }

    private void connectPublishers(Transport transport, String[] names, int subscribers) throws BenchException {
        for (int p = 0; p < c.publishers(); p++) {
            try {
                Publisher pub = new Publisher(p, transport.open(subscribers + p, null),
                        Publisher.ownedGroups(p, c.publishers(), c.groups()), names, c.size());
                publishers.add(pub);
                pub.startReader();
            } catch (IOException e) {
                throw new BenchException("cannot connect publisher " + p + ": " + e);
            }
        }
    }

    /** Readiness: publishers post to their groups every 200 ms until every subscriber has one. */
    private int awaitReady(SubscriberPool subs, long deadline) throws BenchException {
        long round = 0;
        while (!aborted) {
            round++;
            for (Publisher p : publishers) {
                try {
                    p.sendSync(round);
                } catch (IOException e) {
                    throw new BenchException("publisher " + p.id + " could not post: " + e);
                }
            }
            long roundEnd = Math.min(deadline, BenchClock.now() + SECOND / 5);
            if (BenchClock.awaitUntil(() -> subs.ready() >= subs.connected() - subs.disconnects(), roundEnd, 2_000_000L)) {
                break;
            }
            if (BenchClock.now() >= deadline) break;
            status.progress("waiting for readiness: " + subs.ready() + "/" + subs.connected());
        }
        return subs.ready();
    }

    /** Each measured post times the subscribers connected to its group. */
    private long expected(SubscriberPool subs) {
        long e = 0;
        for (Publisher p : publishers) {
            int[] groups = p.groups();
            for (int i = 0; i < groups.length; i++) e += p.measuredTo(i) * subs.inGroup(groups[i]);
        }
        return e;
    }

    private java.util.function.LongFunction<String> progress(Schedule s) {
        long[] last = new long[2];
        return sec -> {
            long sent = 0;
            for (Publisher p : publishers) sent += p.liveSent();
            long got = pool.liveMeasured();
            String phase = BenchClock.now() < s.warmupEnd() ? "warm-up" : BenchClock.now() < s.end() ? "measuring" : "draining";
            String line = String.format(Locale.ROOT, "%3ds %-9s sent %,d (+%,d/s)  delivered %,d (+%,d/s)  lag notices %d",
                    sec, phase, sent, sent - last[0], got, got - last[1], pool.liveLagNotices());
            last[0] = sent;
            last[1] = got;
            return line;
        };
    }

    private LoadReport report(SubscriberPool subs, Transport transport, int ready, int disconnects, SubscriberStats st,
                              CpuUse cpu) {
        long sent = 0;
        long warm = 0;
        long pubErrors = 0;
        String pubLast = null;
        List<String> failures = new ArrayList<>();
        LatencyRecorder lateness = new LatencyRecorder();
        for (Publisher p : publishers) {
            sent += p.measuredTotal();
            warm += p.warmupSent();
            pubErrors += p.errors();
            if (p.lastError() != null) pubLast = p.lastError();
            if (p.failed()) failures.add(p.failure());
            lateness.add(p.lateness());
        }
        if (aborted) failures.add("aborted by the watchdog");
        return new LoadReport(c, transport.sourceAddresses(), subs.connected(), ready, subs.failed(), subs.firstFailure(),
                sent, warm, expected(subs), st.measured, st.lagNotices, st.dropped, st.sequence.missing,
                st.sequence.duplicated, st.sequence.reordered, st.errors, st.lastError, st.malformed,
                st.lastMalformed, pubErrors, pubLast, failures, disconnects, LatencySummary.of(st.latency),
                LatencySummary.of(lateness), cpu, st.latency);
    }

    @Override
    public void abort() {
        aborted = true;
        for (Publisher p : publishers) p.close();
        SubscriberPool s = pool;
        if (s != null) s.stop();
    }
}
