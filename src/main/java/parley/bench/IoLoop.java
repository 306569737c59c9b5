package parley.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A selector thread that reads for many subscribers: each read lands in the connection's own
 * buffer, complete lines are parsed in place, and every measured message's latency is taken from
 * one clock reading per read call against the intended send time in its payload.
 */
final class IoLoop implements Runnable, ReplyScanner.Sink {
    /** Free space a read asks for; a buffer smaller than this grows (only for the first long line). */
    private static final int READ_ROOM = 128;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Subscriber> pending = new ConcurrentLinkedQueue<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final SubscriberStats stats = new SubscriberStats();
    private final Payload.Header header = new Payload.Header();
    private volatile boolean stopping;
    private boolean totalled;
    /** Subscribers handed over; only the one connecting thread calls {@link #add}. */
    private int added;

    // Published for other threads (written only by this one).
    private volatile int open;
    private volatile int ready;
    private volatile int disconnects;

    // The subscriber and clock reading the sink callbacks refer to.
    private Subscriber current;
    private long now;

    IoLoop(int index) throws IOException {
        selector = Selector.open();
        thread = Thread.ofPlatform().name("bench-io-" + index).daemon().unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Hands a connected, non-blocking subscriber to this thread. */
    void add(Subscriber s) {
        pending.add(s);
        if ((++added & 63) == 1) selector.wakeup();
    }

    /** Makes sure subscribers added so far are registered soon rather than at the next timeout. */
    void flush() {
        selector.wakeup();
    }

    int open() {
        return open;
    }

    /** Subscribers that have received at least one readiness post. */
    int ready() {
        return ready;
    }

    int disconnects() {
        return disconnects;
    }

    /** Registered subscribers plus those that failed on registration. */
    int settled() {
        return open + disconnects;
    }

    SubscriberStats live() {
        return stats;
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                Subscriber s;
                while ((s = pending.poll()) != null) register(s);
                selector.select(this::onKey, 100);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("parley bench: selector thread " + thread.getName() + " failed: " + e);
        } finally {
            for (Subscriber s : subscribers) closeQuietly(s);
            Subscriber s;
            while ((s = pending.poll()) != null) closeQuietly(s);
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void register(Subscriber s) {
        try {
            s.channel.register(selector, SelectionKey.OP_READ, s);
            subscribers.add(s);
            open++;
        } catch (IOException e) {
            closeQuietly(s);
            disconnects++;
        }
    }

    private void onKey(SelectionKey key) {
        if (!key.isValid() || !key.isReadable()) return;
        Subscriber s = (Subscriber) key.attachment();
        if (!s.makeRoom(READ_ROOM)) {
            malformed("a reply line longer than " + Subscriber.MAX_BUFFER + " bytes");
            drop(s, key);
            return;
        }
        int n;
        try {
            s.bb.limit(s.buf.length).position(s.end);
            n = s.channel.read(s.bb);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            drop(s, key);
            return;
        }
        if (n == 0) return;
        now = BenchClock.now();
        current = s;
        s.end += n;
        int consumed = ReplyScanner.scan(s.buf, s.start, s.end, s.groupName, this);
        if (consumed >= s.end) {
            s.start = 0;
            s.end = 0;
        } else {
            s.start = consumed;
        }
        stats.publish();
    }

    private void drop(Subscriber s, SelectionKey key) {
        key.cancel();
        closeQuietly(s);
        open--;
        if (!stopping) disconnects++;
    }

    @Override
    public void message(byte[] b, int off, int len) {
        Payload.Header h = header;
        if (!h.read(b, off, len)) {
            malformed("a message the bench did not send: " + preview(b, off, len));
            return;
        }
        Subscriber s = current;
        switch (h.kind) {
            case Payload.SYNC -> {
                if (s.syncs++ == 0) ready++;
                stats.syncs++;
            }
            case Payload.WARMUP -> {
                s.check(h.publisher).accept(h.seq);
                stats.warmup++;
            }
            default -> {
                s.check(h.publisher).accept(h.seq);
                stats.latency.record(now - h.intended);
                stats.measured++;
            }
        }
    }

    @Override
    public void lagNotice(long dropped) {
        stats.lagNotices++;
        stats.dropped += dropped;
    }

    @Override
    public void error(String text) {
        stats.errors++;
        stats.lastError = text;
    }

    @Override
    public void malformed(String why) {
        stats.malformed++;
        stats.lastMalformed = why;
    }

    /** Stops the thread, closing every connection; returns its totals once it has stopped. */
    synchronized SubscriberStats stop(long timeoutMillis) {
        stopping = true;
        selector.wakeup();
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) return null;
        if (!totalled) {
            for (Subscriber s : subscribers) s.addTo(stats.sequence);
            totalled = true;
        }
        return stats;
    }

    /** Subscribers that received at least {@code n} readiness posts; call only after {@link #stop}. */
    synchronized int countSynced(int n) {
        int c = 0;
        for (Subscriber s : subscribers) {
            if (s.syncs >= n) c++;
        }
        return c;
    }

    private static void closeQuietly(Subscriber s) {
        try {
            s.channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static String preview(byte[] b, int off, int len) {
        return new String(b, off, Math.min(len, 60), java.nio.charset.StandardCharsets.UTF_8);
    }
}
