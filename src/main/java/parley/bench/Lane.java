package parley.bench;

import java.io.IOException;

/**
 * Where a share of the subscribers is read and counted: a selector thread for plain TCP
 * ({@link IoLoop}), or a thread per connection for the transports whose libraries block or call
 * back ({@link LinkLane}). The pool spreads subscribers over {@code --io-threads} lanes.
 */
sealed interface Lane permits IoLoop, LinkLane {
    void start();

    /** Takes a connected subscriber whose join has been sent; on failure the link is closed. */
    void add(Link link, Subscriber s) throws IOException;

    /** Makes sure subscribers added so far are taken in soon. */
    void flush();

    /** Subscribers connected and not yet disconnected. */
    int open();

    /** Subscribers that have received at least one readiness post. */
    int ready();

    int disconnects();

    /** Subscribers taken in, plus those that failed on the way. */
    int settled();

    /** The live figures ({@code live*} fields) while the run goes on. */
    SubscriberStats live();

    /** Stops reading, closing every connection; the totals once stopped, or null if it did not stop in time. */
    SubscriberStats stop(long timeoutMillis);

    /** Subscribers that received at least {@code n} readiness posts; call only after {@link #stop}. */
    int countSynced(int n);
}
