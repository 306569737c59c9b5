package parley.jcstress;

import parley.broadcast.Entry;
import parley.broadcast.Received;
import parley.broadcast.Receiver;

/**
 * What one receiver saw, written as a short sentence that jcstress can compare: each value as its
 * sequence number, a lag as {@code lostN}, the end as {@code closed}, a value whose payload does
 * not match its sequence number as {@code BAD}. The tests send {@code 100 + seq} as the value of
 * sequence number {@code seq}, so a torn or misplaced read shows up as {@code BAD}.
 */
final class Seen {
    private final StringBuilder text = new StringBuilder();

    /** Records one poll result (nothing for {@code Empty}); returns it for chaining. */
    Received<Integer> add(Received<Integer> r) {
        switch (r) {
            case Entry<Integer> e -> word(e.value() != null && e.value() == 100 + e.seq() ? Long.toString(e.seq()) : "BAD");
            case Received.Lagged<Integer> l -> word("lost" + l.missed());
            case Received.Closed<Integer> c -> word("closed");
            case Received.Empty<Integer> e -> { }
        }
        return r;
    }

    /** Polls until {@code Empty} or {@code Closed}, recording everything; bounded so a bug cannot loop forever. */
    void drain(Receiver<Integer> rx) {
        for (int i = 0; i < 64; i++) {
            Received<Integer> r = add(rx.poll());
            if (r instanceof Received.Empty || r instanceof Received.Closed) return;
        }
        word("RUNAWAY");
    }

    private void word(String w) {
        if (!text.isEmpty()) text.append(' ');
        text.append(w);
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "nothing" : text.toString();
    }
}
