package parley.bench;

/**
 * Counts what subscribers receive, whichever transport brought it: scans a subscriber's buffer
 * for complete reply lines, checks each measured message's sequence and records its latency
 * against the intended send time in its payload. One thread at a time uses an instance: the
 * selector thread that owns it, or whoever holds its {@link LinkLane}'s lock.
 */
final class Receipts implements ReplyScanner.Sink {
    private final SubscriberStats stats = new SubscriberStats();
    private final Payload.Header header = new Payload.Header();
    /** Subscribers that have received at least one readiness post; read by other threads. */
    private volatile int ready;

    // The subscriber and clock reading the sink callbacks refer to.
    private Subscriber current;
    private long now;

    SubscriberStats stats() {
        return stats;
    }

    int ready() {
        return ready;
    }

    /**
     * Hands every complete line in {@code s}'s buffer to the counting, as read at {@code now},
     * keeps the unfinished rest, and publishes the live figures.
     */
    void scan(Subscriber s, long now) {
        this.now = now;
        current = s;
        int consumed = ReplyScanner.scan(s.buf, s.start, s.end, s.groupName, this);
        if (consumed >= s.end) {
            s.start = 0;
            s.end = 0;
        } else {
            s.start = consumed;
        }
        stats.publish();
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

    private static String preview(byte[] b, int off, int len) {
        return new String(b, off, Math.min(len, 60), java.nio.charset.StandardCharsets.UTF_8);
    }
}
