package parley.bench;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.function.ToLongFunction;

/**
 * The subscribers of a run: connects them (subscriber {@code i} joins group {@code i % groups}),
 * spreads them over the selector threads, and collects their totals at the end.
 */
final class SubscriberPool {
    private final IoLoop[] loops;
    private final String[] groupNames;
    private final int bufferSize;
    private final int[] perGroup;
    private volatile boolean stopped;
    private int connected;
    private int failed;
    private String firstFailure;

    SubscriberPool(int ioThreads, String[] groupNames, int bufferSize) throws IOException {
        this.loops = new IoLoop[ioThreads];
        this.groupNames = groupNames;
        this.bufferSize = bufferSize;
        this.perGroup = new int[groupNames.length];
        for (int i = 0; i < ioThreads; i++) {
            loops[i] = new IoLoop(i);
            loops[i].start();
        }
    }

    /**
     * Connects {@code count} subscribers, each joining its group, until {@code deadline}. Gives up
     * early when the first attempts all fail (no server there). Returns how many connected.
     */
    int connect(Connector connector, int count, long deadline, Status status) {
        int g = groupNames.length;
        byte[][] joins = new byte[g][];
        for (int i = 0; i < g; i++) joins[i] = Requests.join(groupNames[i]);
        long nextReport = BenchClock.now() + 1_000_000_000L;
        for (int i = 0; i < count; i++) {
            if (stopped) {
                fail(count - i, "stopped");
                break;
            }
            if (BenchClock.now() > deadline) {
                fail(count - i, "the connect deadline passed");
                break;
            }
            int group = i % g;
            try {
                SocketChannel ch = connector.open(i, joins[group]);
                ch.configureBlocking(false);
                loops[i % loops.length].add(new Subscriber(ch, group, groupNames[group], bufferSize));
                perGroup[group]++;
                connected++;
            } catch (IOException e) {
                fail(1, e.toString());
                if (connected == 0 && failed >= 3) {
                    fail(count - i - 1, null);
                    break;
                }
            }
            if (BenchClock.now() > nextReport) {
                status.progress("connecting: " + connected + "/" + count + (failed > 0 ? ", " + failed + " failed" : ""));
                nextReport += 1_000_000_000L;
            }
        }
        for (IoLoop l : loops) l.flush();
        return connected;
    }

    private void fail(int n, String why) {
        failed += n;
        if (firstFailure == null && why != null) firstFailure = why;
    }

    /** Waits until every connected subscriber is registered with its selector (or has failed). */
    boolean awaitRegistered(long deadline) {
        return BenchClock.awaitUntil(() -> settled() >= connected, deadline, 2_000_000L);
    }

    private int settled() {
        return (int) sum(IoLoop::settled);
    }

    int connected() {
        return connected;
    }

    int failed() {
        return failed;
    }

    String firstFailure() {
        return firstFailure;
    }

    /** Subscribers connected to group {@code g}. */
    int inGroup(int g) {
        return perGroup[g];
    }

    int ready() {
        return (int) sum(IoLoop::ready);
    }

    int open() {
        return (int) sum(IoLoop::open);
    }

    int disconnects() {
        return (int) sum(IoLoop::disconnects);
    }

    long liveMeasured() {
        return sum(l -> l.live().liveMeasured);
    }

    long liveDropped() {
        return sum(l -> l.live().liveDropped);
    }

    long liveLagNotices() {
        return sum(l -> l.live().liveLagNotices);
    }

    /** Stops every selector thread, closing the connections, and returns the merged totals. */
    SubscriberStats stop() {
        stopped = true;
        SubscriberStats total = new SubscriberStats();
        for (IoLoop l : loops) {
            SubscriberStats s = l.stop(5000);
            if (s != null) total.add(s);
        }
        return total;
    }

    /** Subscribers with at least {@code n} readiness posts; call after {@link #stop}. */
    int countSynced(int n) {
        return (int) sum(l -> l.countSynced(n));
    }

    /** A figure summed over every selector thread. */
    private long sum(ToLongFunction<IoLoop> figure) {
        long total = 0;
        for (IoLoop l : loops) total += figure.applyAsLong(l);
        return total;
    }
}
