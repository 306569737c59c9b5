package parley.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The stream's times of the messages this node's consumers delivered last, so that a
 * {@code Posted} can take its {@code ts} from the delivery of its own post instead of asking the
 * stream again: when the poster's node has members of the group (the usual case), the stream
 * hands the message to this node's consumer about when it acknowledges the publish.
 *
 * <p>A slot per seq modulo the table's size, overwritten by later messages of any group: it only
 * has to hold a message between its delivery and its acknowledgement. An author waiting for a
 * seq not delivered yet registers first and then looks in the table, while the delivering thread
 * writes the table first and then looks for a waiter: whichever comes second sees the other.
 */
final class RecentTimes {
    private static final int SLOTS = 4096;

    private record Stamp(long seq, long ts) {}

    private final AtomicReferenceArray<Stamp> table = new AtomicReferenceArray<>(SLOTS);
    private final ConcurrentHashMap<Long, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();

    /** A consumer delivered message {@code seq}, stored at {@code ts}; on the delivering thread. */
    void delivered(long seq, long ts) {
        table.set((int) (seq & (SLOTS - 1)), new Stamp(seq, ts));
        if (waiting.isEmpty()) return;
        CompletableFuture<Long> w = waiting.remove(seq);
        if (w != null) w.complete(ts);
    }

    /** The time of {@code seq} if it was delivered here lately, else -1. */
    long lookup(long seq) {
        Stamp s = table.get((int) (seq & (SLOTS - 1)));
        return s != null && s.seq() == seq ? s.ts() : -1;
    }

    /**
     * The time of {@code seq} once a consumer here delivers it (at once if it has). The caller
     * {@linkplain #forget forgets} it if it gives up waiting.
     */
    CompletableFuture<Long> await(long seq) {
        CompletableFuture<Long> w = waiting.computeIfAbsent(seq, s -> new CompletableFuture<>());
        long ts = lookup(seq);
        if (ts >= 0) {
            waiting.remove(seq, w);
            w.complete(ts);
        }
        return w;
    }

    void forget(long seq) {
        waiting.remove(seq);
    }

    /** Authors waiting now (tests: nobody is left waiting). */
    int waiting() {
        return waiting.size();
    }
}
