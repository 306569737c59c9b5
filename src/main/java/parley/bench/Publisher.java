package parley.bench;

import parley.net.Linux;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One publishing connection, cycling over the groups it owns. Sends on its own platform thread
 * on an open-loop {@link Schedule}: when it wakes it writes every message that is due in one
 * write (over WebSocket: one message per post, one after the other), each stamped with its own
 * intended time, so a late publisher or a server that pushes back shows up in the latencies
 * instead of silently lowering the rate. The link's reader takes the server's replies (a
 * publisher joins nothing, so these are only errors).
 */
final class Publisher {
    /** Messages written per wake-up at most, so one write stays bounded. */
    private static final int MAX_BATCH = 1024;
    private static final int BUFFER = 1 << 18;

    final int id;
    private final Link link;
    private final int[] groups;
    private final Requests.PostTemplate[] templates;
    private final long[] seq;
    private final long[] measured;
    private final int maxLine;
    private final LatencyRecorder lateness = new LatencyRecorder();
    private final AtomicLong errors = new AtomicLong();
    private volatile long errorsBefore;
    private volatile String lastError;
    private volatile boolean closing;
    private volatile boolean failed;
    private volatile String failure;
    private volatile long liveSent;
    private long warmup;
    private Thread sender;

    Publisher(int id, Link link, int[] groups, String[] groupNames, int size) {
        this.id = id;
        this.link = link;
        this.groups = groups.clone();
        this.templates = new Requests.PostTemplate[groups.length];
        int max = 0;
        for (int i = 0; i < groups.length; i++) {
            templates[i] = new Requests.PostTemplate(groupNames[groups[i]], size);
            max = Math.max(max, templates[i].length());
        }
        this.maxLine = max;
        this.seq = new long[groups.length];
        this.measured = new long[groups.length];
    }

    /** The groups publisher {@code p} of {@code publishers} posts to: every P-th group, or one shared group. */
    static int[] ownedGroups(int p, int publishers, int groups) {
        if (groups >= publishers) {
            int[] out = new int[(groups - p + publishers - 1) / publishers];
            for (int i = 0; i < out.length; i++) out[i] = p + i * publishers;
            return out;
        }
        return new int[] {p % groups};
    }

    void startReader() {
        link.read(new Replies(), 1 << 16);
    }

    /** Splits what the link reads into reply lines; an over-long line is cut short (it counts as one error all the same). */
    private final class Replies implements Link.Inbound {
        private final byte[] a = new byte[1 << 16];
        private int end;

        @Override
        public void received(byte[] b, int off, int len, long now) {
            for (int i = off; i < off + len; i++) {
                byte x = b[i];
                if (x == '\n') {
                    if (end > 0) reply(new String(a, 0, end, StandardCharsets.UTF_8));
                    end = 0;
                } else if (end < a.length) {
                    a[end++] = x;
                }
            }
        }

        @Override
        public void ended() {
            if (!closing) fail("the server closed publisher " + id + "'s connection");
        }
    }

    private void reply(String line) {
        errors.incrementAndGet();
        lastError = line.length() > 200 ? line.substring(0, 200) : line;
    }

    /** Posts one readiness message (kind S, numbered {@code round}) to each owned group. */
    void sendSync(long round) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(maxLine * templates.length);
        for (Requests.PostTemplate t : templates) {
            t.put(out, Payload.SYNC, id, round, BenchClock.now());
        }
        out.flip();
        link.send(out);
    }

    /** Starts sending on the schedule, on a new platform thread. */
    void start(Schedule schedule) {
        sender = Thread.ofPlatform().name("bench-pub-" + id).daemon().start(() -> send(schedule));
    }

    private void send(Schedule s) {
        Linux.setTimerSlack(1000);
        ByteBuffer out = ByteBuffer.allocateDirect(Math.max(BUFFER, maxLine));
        int n = templates.length;
        int gi = 0;
        long k = 0;
        long sent = 0;
        try {
            while (!closing) {
                long now = BenchClock.now();
                if (now >= s.end()) break;
                long t = s.due(k);
                if (t >= s.end()) break;
                if (t > now) {
                    LockSupport.parkNanos(t - now);
                    continue;
                }
                out.clear();
                int batch = 0;
                while (t <= now && t < s.end() && batch < MAX_BATCH && out.remaining() >= maxLine) {
                    boolean m = s.measured(t);
                    templates[gi].put(out, m ? Payload.MEASURED : Payload.WARMUP, id, seq[gi]++, t);
                    if (m) measured[gi]++;
                    else warmup++;
                    lateness.record(now - t);
                    if (++gi == n) gi = 0;
                    batch++;
                    t = s.due(++k);
                }
                sent += batch;
                out.flip();
                link.send(out);
                liveSent = sent;
            }
        } catch (IOException e) {
            if (!closing) fail("publisher " + id + " could not write: " + e.getMessage());
        }
    }

    /**
     * Waits for the sender to finish until {@code deadline}; a sender still blocked in a write (a
     * server that stopped reading) is cut loose by closing its connection. True if it finished.
     */
    boolean awaitSender(long deadline) {
        if (sender == null) return true;
        try {
            sender.join(Math.max(1, (deadline - BenchClock.now()) / 1_000_000));
            if (!sender.isAlive()) return true;
            fail("publisher " + id + " was still blocked writing after the run ended");
            close();
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void fail(String why) {
        if (failure == null) failure = why;
        failed = true;
    }

    void close() {
        closing = true;
        link.close();
    }

    /** Posts sent so far, warm-up included (for the progress line). */
    long liveSent() {
        return liveSent;
    }

    /** Measured posts sent to each owned group; read after {@link #awaitSender}. */
    long measuredTo(int ownedIndex) {
        return measured[ownedIndex];
    }

    int[] groups() {
        return groups.clone();
    }

    long measuredTotal() {
        long t = 0;
        for (long m : measured) t += m;
        return t;
    }

    long warmupSent() {
        return warmup;
    }

    LatencyRecorder lateness() {
        return lateness;
    }

    /** Error replies since the last {@link #forgetErrors}. */
    long errors() {
        return errors.get() - errorsBefore;
    }

    /**
     * Forgets the error replies so far: posts that raced ahead of the subscribers' joins (a group
     * is created by its first join) get {@code Group ... does not exist}, which is expected while
     * the readiness posts go out, not a fault.
     */
    void forgetErrors() {
        errorsBefore = errors.get();
        lastError = null;
    }

    String lastError() {
        return lastError;
    }

    boolean failed() {
        return failed;
    }

    String failure() {
        return failure;
    }
}
