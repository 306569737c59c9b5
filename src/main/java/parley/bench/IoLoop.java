package parley.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A selector thread that reads for many plain TCP subscribers: each read lands in the
 * connection's own buffer, complete lines are parsed in place, and every measured message's
 * latency is taken from one clock reading per read call against the intended send time in its
 * payload. The lane of the {@code tcp} transport, and the path the compare runs measure.
 */
final class IoLoop implements Runnable, Lane {
    /** Free space a read asks for; a buffer smaller than this grows (only for the first long line). */
    private static final int READ_ROOM = 128;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Receipts receipts = new Receipts();
    private final SubscriberStats stats = receipts.stats();
    private volatile boolean stopping;
    private boolean totalled;
    /** Subscribers handed over; only the one connecting thread calls {@link #add}. */
    private int added;

    // Published for other threads (written only by this one).
    private volatile int open;
    private volatile int disconnects;

    /** A subscriber handed over, with its channel, waiting to be registered. */
    private record Pending(SocketChannel channel, Subscriber subscriber) {}

    IoLoop(int index) throws IOException {
        selector = Selector.open();
        thread = Thread.ofPlatform().name("bench-io-" + index).daemon().unstarted(this);
    }

    @Override
    public void start() {
        thread.start();
    }

    /** Hands a connected subscriber to this thread; its channel becomes non-blocking. */
    @Override
    public void add(Link link, Subscriber s) throws IOException {
        if (!(link instanceof TcpLink(SocketChannel channel))) {
            link.close();
            throw new IllegalArgumentException("a selector thread reads plain TCP connections only");
        }
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            link.close();
            throw e;
        }
        pending.add(new Pending(channel, s));
        if ((++added & 63) == 1) selector.wakeup();
    }

    /** Makes sure subscribers added so far are registered soon rather than at the next timeout. */
    @Override
    public void flush() {
        selector.wakeup();
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

    /** Registered subscribers plus those that failed on registration. */
    @Override
    public int settled() {
        return open + disconnects;
    }

    @Override
    public SubscriberStats live() {
        return stats;
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                Pending p;
                while ((p = pending.poll()) != null) register(p);
                selector.select(this::onKey, 100);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("parley bench: selector thread " + thread.getName() + " failed: " + e);
        } finally {
            for (SocketChannel ch : channels) closeQuietly(ch);
            Pending p;
            while ((p = pending.poll()) != null) closeQuietly(p.channel());
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void register(Pending p) {
        try {
            p.channel().register(selector, SelectionKey.OP_READ, p.subscriber());
            subscribers.add(p.subscriber());
            channels.add(p.channel());
            open++;
        } catch (IOException e) {
            closeQuietly(p.channel());
            disconnects++;
        }
    }

    private void onKey(SelectionKey key) {
        if (!key.isValid() || !key.isReadable()) return;
        Subscriber s = (Subscriber) key.attachment();
        if (!s.makeRoom(READ_ROOM)) {
            receipts.malformed("a reply line longer than " + Subscriber.MAX_BUFFER + " bytes");
            drop(key);
            return;
        }
        int n;
        try {
            s.bb.limit(s.buf.length).position(s.end);
            n = ((SocketChannel) key.channel()).read(s.bb);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            drop(key);
            return;
        }
        if (n == 0) return;
        long now = BenchClock.now();
        s.end += n;
        receipts.scan(s, now);
    }

    private void drop(SelectionKey key) {
        key.cancel();
        closeQuietly((SocketChannel) key.channel());
        open--;
        if (!stopping) disconnects++;
    }

    /** Stops the thread, closing every connection; returns its totals once it has stopped. */
    @Override
    public synchronized SubscriberStats stop(long timeoutMillis) {
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

    @Override
    public synchronized int countSynced(int n) {
        int c = 0;
        for (Subscriber s : subscribers) {
            if (s.syncs >= n) c++;
        }
        return c;
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
