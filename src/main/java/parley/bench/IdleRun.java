package parley.bench;

import java.io.IOException;

/**
 * The idle scenario: open many connections over a few groups, prove each one is really joined
 * (one helper connection posts to every group until every connection has received a post), then
 * hold them open and quiet. With the server's process id, raises the server's open-files limit if
 * it is too low for the run (see {@link FdLimit#raiseServer}), reads its RSS before connecting,
 * after verifying, and at the end of the hold, and divides the growth by the connections.
 */
final class IdleRun implements Run {
    private static final long SECOND = 1_000_000_000L;
    private static final int BUFFER = 256;

    private final BenchConfig c;
    private final Status status;
    private volatile SubscriberPool pool;
    private volatile Publisher helper;
    private volatile boolean aborted;

    IdleRun(BenchConfig config, Status status) {
        this.c = config;
        this.status = status;
    }

    @Override
    public IdleReport run() throws BenchException, IOException {
        String[] names = Run.groupNames(c.groups());
        FdLimit.Limits limits = FdLimit.current();
        FdLimit.ServerLimits serverLimits =
                c.serverPid() > 0 ? FdLimit.raiseServer(c.serverPid(), c.connections()) : null;
        if (serverLimits != null && serverLimits.raised()) {
            status.line("raised the server's open-files limit from " + serverLimits.before().soft() + " to "
                    + serverLimits.after().soft());
        }
        Transport transport = Run.transport(c);
        SubscriberPool subs = Run.pool(transport, c.ioThreads(), names, BUFFER);
        pool = subs;
        SubscriberStats stats = null;
        try {
            long rssBefore = ProcStatus.vmRssKb(c.serverPid());
            long t0 = BenchClock.now();
            long connectDeadline = t0 + c.connectBudget().toNanos();
            int connected = subs.connect(c.connections(), connectDeadline, status);
            if (connected == 0) {
                throw new BenchException("cannot connect to " + LoadReport.hostPort(c) + ": " + subs.firstFailure()
                        + " (is a server running there? ./parley server)");
            }
            subs.awaitRegistered(connectDeadline + 10 * SECOND);
            double connectSeconds = (BenchClock.now() - t0) / 1e9;

            int[] all = new int[c.groups()];
            for (int g = 0; g < all.length; g++) all[g] = g;
            try {
                helper = new Publisher(0, transport.open(c.connections(), null), all, names, c.size());
            } catch (IOException e) {
                throw new BenchException("cannot connect the helper that verifies the groups: " + e);
            }
            helper.startReader();
            int verified = verify(subs, BenchClock.now() + c.syncBudget().toNanos());
            helper.close();
            BenchClock.sleepUntil(BenchClock.now() + SECOND); // let the server settle before measuring
            long rssAfter = ProcStatus.vmRssKb(c.serverPid());

            status.progress("holding " + subs.open() + " connections for " + Fmt.seconds(c.hold()));
            long holdEnd = BenchClock.now() + c.hold().toNanos();
            try (Status.Ticker _ = status.ticker(sec -> String.format("%3ds holding: %,d open, %d disconnected, %ds left",
                    sec, subs.open(), subs.disconnects(), Math.max(0, (holdEnd - BenchClock.now()) / SECOND)))) {
                BenchClock.awaitUntil(() -> aborted, holdEnd, SECOND / 10);
            }
            long rssEnd = ProcStatus.vmRssKb(c.serverPid());
            int open = subs.open();
            int disconnects = subs.disconnects();
            stats = subs.stop();
            return new IdleReport(c, transport.sourceAddresses(), limits, serverLimits, subs.connected(), subs.failed(),
                    subs.firstFailure(), connectSeconds, verified, open, disconnects, stats.errors, stats.lastError,
                    stats.malformed, stats.lastMalformed, helper.errors(), helper.lastError(), rssBefore, rssAfter,
                    rssEnd, aborted);
        } finally {
            Publisher h = helper;
            if (h != null) h.close();
            if (stats == null) subs.stop();
            transport.close();
        }
    }

    /**
     * Posts to every group, every 500 ms, until every connection has received one. A post that
     * arrives before its group's first join gets {@code Group ... does not exist}: expected, and
     * reported only as {@code helper_errors}.
     */
    private int verify(SubscriberPool subs, long deadline) throws BenchException {
        long round = 0;
        while (!aborted) {
            round++;
            try {
                helper.sendSync(round);
            } catch (IOException e) {
                throw new BenchException("the helper could not post: " + e);
            }
            long roundEnd = Math.min(deadline, BenchClock.now() + SECOND / 2);
            if (BenchClock.awaitUntil(() -> subs.ready() >= subs.connected() - subs.disconnects(), roundEnd, 2_000_000L)) {
                break;
            }
            if (BenchClock.now() >= deadline) break;
            status.progress("verifying: " + subs.ready() + "/" + subs.connected() + " received a post");
        }
        return subs.ready();
    }

    @Override
    public void abort() {
        aborted = true;
        Publisher h = helper;
        if (h != null) h.close();
        SubscriberPool s = pool;
        if (s != null) s.stop();
    }
}
