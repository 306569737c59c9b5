package parley.bench;

import java.io.IOException;
import java.util.function.ToLongFunction;

/**
 * The subscribers of a run: connects them over the run's transport (subscriber {@code i} joins
 * group {@code i % groups}), spreads them over the transport's lanes, and collects their totals
 * at the end.
 */
final class SubscriberPool {
    private final Transport transport;
    private final Lane[] loops;
    private final String[] groupNames;
    private final int bufferSize;
    private final int[] perGroup;
    private volatile boolean stopped;
    private int connected;
    private int failed;
    private String firstFailure;

    SubscriberPool(Transport transport, int lanes, String[] groupNames, int bufferSize) throws IOException {
        this.transport = transport;
        this.loops = new Lane[lanes];
        this.groupNames = groupNames;
        this.bufferSize = bufferSize;
        this.perGroup = new int[groupNames.length];
        for (int i = 0; i < lanes; i++) {
            loops[i] = transport.lane(i);
            loops[i].start();
        }
    }

    /**
     * Connects {@code count} subscribers, each joining its group, until {@code deadline}. Gives up
     * early when the first attempts all fail (no server there). Returns how many connected.
     */
    int connect(int count, long deadline, Status status) {
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
                Link link = transport.open(i, joins[group]);
                loops[i % loops.length].add(link, new Subscriber(group, groupNames[group], bufferSize));
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
        for (Lane l : loops) l.flush();
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
        return (int) sum(Lane::settled);
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
        return (int) sum(Lane::ready);
    }

    int open() {
        return (int) sum(Lane::open);
    }

    int disconnects() {
        return (int) sum(Lane::disconnects);
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
        for (Lane l : loops) {
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
    private long sum(ToLongFunction<Lane> figure) {
        long total = 0;
        for (Lane l : loops) total += figure.applyAsLong(l);
        return total;
    }
}
