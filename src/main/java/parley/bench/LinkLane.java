package parley.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The lane of the transports read by a thread per connection (TLS: a virtual thread blocked in
 * the {@code SSLSocket}'s read; WebSocket: the JDK client's own threads calling back). Each read
 * is appended to its subscriber's buffer and counted under this lane's lock, so the counting is
 * the TCP lane's ({@link Receipts}) with one lock per read added; the clock is read before the
 * lock is taken.
 */
final class LinkLane implements Lane {
    private final Receipts receipts = new Receipts();
    // Guarded by this.
    private final List<Link> links = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private boolean stopping;
    private boolean totalled;

    private volatile int open;
    private volatile int disconnects;

    @Override
    public void start() {
        // each link reads on its own thread, started in add
    }

    @Override
    public void add(Link link, Subscriber s) {
        synchronized (this) {
            if (stopping) {
                link.close();
                return;
            }
            links.add(link);
            subscribers.add(s);
            open++;
        }
        link.read(new Link.Inbound() {
            @Override
            public void received(byte[] b, int off, int len, long now) {
                LinkLane.this.received(link, s, b, off, len, now);
            }

            @Override
            public void ended() {
                LinkLane.this.ended();
            }
        }, s.buf.length);
    }

    private synchronized void received(Link link, Subscriber s, byte[] b, int off, int len, long now) {
        if (stopping) return;
        if (!s.append(b, off, len)) {
            receipts.malformed("a reply line longer than " + Subscriber.MAX_BUFFER + " bytes");
            link.close();
            return;
        }
        receipts.scan(s, now);
    }

    private synchronized void ended() {
        open--;
        if (!stopping) disconnects++;
    }

    @Override
    public void flush() {
        // nothing waits to be taken in
    }

    @Override
    public int open() {
        return open;
    }

    @Override
    public int ready() {
        return receipts.ready();
    }

    @Override
    public int disconnects() {
        return disconnects;
    }

    @Override
    public int settled() {
        return open + disconnects;
    }

    @Override
    public SubscriberStats live() {
        return receipts.stats();
    }

    /** Closes every connection (outside the lock: a TLS close writes); what arrives after is not counted. */
    @Override
    public SubscriberStats stop(long timeoutMillis) {
        List<Link> toClose;
        synchronized (this) {
            stopping = true;
            toClose = List.copyOf(links);
        }
        for (Link l : toClose) l.close();
        synchronized (this) {
            if (!totalled) {
                for (Subscriber s : subscribers) s.addTo(receipts.stats().sequence);
                totalled = true;
            }
            return receipts.stats();
        }
    }

    @Override
    public synchronized int countSynced(int n) {
        int c = 0;
        for (Subscriber s : subscribers) {
            if (s.syncs >= n) c++;
        }
        return c;
    }
}
