package parley.server;

import java.util.Arrays;
import parley.broadcast.Receiver;

/**
 * The groups a connection reads, copy-on-write: the drain, which runs on every wake, reads one
 * volatile array and allocates nothing; joining and leaving, which are rare, copy it. Changed only
 * by the session's reader (and its stop), read from any thread.
 */
final class Subscriptions {
    private static final Outbound.Sub[] NONE = new Outbound.Sub[0];

    private volatile Outbound.Sub[] all = NONE;

    /** The groups now, in the order they were added. Never changed in place. */
    Outbound.Sub[] now() {
        return all;
    }

    void add(Outbound.Sub sub) {
        Outbound.Sub[] old = all;
        Outbound.Sub[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = sub;
        all = grown;
    }

    void remove(Outbound.Sub sub) {
        Outbound.Sub[] old = all;
        int i = Arrays.asList(old).indexOf(sub);
        if (i < 0) return;
        Outbound.Sub[] shrunk = new Outbound.Sub[old.length - 1];
        System.arraycopy(old, 0, shrunk, 0, i);
        System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
        all = shrunk;
    }

    /** A closing connection reads each group only up to where it has got now. */
    void stopAtCurrentEnd() {
        for (Outbound.Sub s : all) {
            s.stopAt = s.membership.receiver().channel().tail();
        }
    }

    /** True if every group has been read up to its stop point (or closed). */
    boolean allRead() {
        for (Outbound.Sub s : all) {
            Receiver<Posted> rx = s.membership.receiver();
            if (!rx.isClosed() && rx.position() < s.stopAt) return false;
        }
        return true;
    }

    /** Group messages waiting for this connection, each group counted up to its capacity. */
    long backlogMessages() {
        long n = 0;
        for (Outbound.Sub s : all) {
            Receiver<Posted> rx = s.membership.receiver();
            if (!rx.isClosed()) n += Math.min(rx.backlog(), rx.channel().capacity());
        }
        return n;
    }
}
