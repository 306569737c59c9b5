package parley.cluster;

import io.nats.client.JetStreamSubscription;
import java.util.concurrent.CountDownLatch;
import parley.server.Group;

/** One group's consumer on this node, and what the bus knows of the group here. */
final class Feed {
    final Group group;
    final String subject;
    /** Open until the group's earlier messages are loaded into its ring: joiners wait for it. */
    final CountDownLatch ready = new CountDownLatch(1);
    /** The last stream sequence delivered into the ring; written only by the delivering thread. */
    volatile long delivered;
    volatile JetStreamSubscription sub;
    /** The subject's last stream sequence when the consumer started: loaded once it is delivered. */
    volatile long readyAt;
    volatile boolean removed;
    /** Created while the bus was down: its marker is published when the bus returns. */
    volatile boolean unannounced;

    Feed(Group group) {
        this.group = group;
        this.subject = Subjects.posts(group.name());
    }

    boolean isReady() {
        return ready.getCount() == 0;
    }

    void markReady() {
        ready.countDown();
    }

    /**
     * Delivers a message into the ring unless it is a duplicate: a seq not above the last one
     * delivered (the consumer re-reading after an outage). {@code ts} is the stream's time for it,
     * so that every node gives it the same one. One thread at a time.
     */
    void deliver(BusPayload.Post p, long seq, long ts) {
        if (seq <= delivered) return;
        delivered = seq;
        group.deliver(p.message(), p.from(), seq, ts);
    }
}
