package parley.cluster;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import parley.protocol.FromServer;
import parley.server.GroupBus.FetchSink;

/**
 * Reads a group's retained messages from the stream for Fetch, by direct gets of one message at a
 * time: a read holds the message in hand and nothing else, whatever it is asked for, and reads
 * nothing more once the sink refuses one.
 *
 * <p>JetStream (2.9) can step forward through a subject ({@code next_by_subj}) but not backward,
 * so "the newest {@code limit} below {@code before}" is found by {@link #startOfNewest}: it
 * counts the subject's messages in windows of sequences going back from {@code before} until one
 * holds enough, then reads forward from there. It holds counts, never messages or their seqs.
 */
final class HistoryReader {
    private final JetStreamManagement jsm;
    private final String stream;
    private final LongAdder read = new LongAdder();

    HistoryReader(JetStreamManagement jsm, String stream) {
        this.jsm = jsm;
        this.stream = stream;
    }

    /** Messages read for Fetch requests since the start. */
    long read() {
        return read.sum();
    }

    /** The stream's time of a message (ms since 1970). */
    static long millis(MessageInfo mi) {
        return mi.getTime() == null ? 0 : mi.getTime().toInstant().toEpochMilli();
    }

    /** The seq of the subject's first (or last) retained message, 0 if it has none. */
    long first(String subject) throws IOException, JetStreamApiException {
        return seqOf(() -> jsm.getFirstMessage(stream, subject));
    }

    long last(String subject) throws IOException, JetStreamApiException {
        return seqOf(() -> jsm.getLastMessage(stream, subject));
    }

    private interface Get {
        MessageInfo get() throws IOException, JetStreamApiException;
    }

    private static long seqOf(Get g) throws IOException, JetStreamApiException {
        try {
            MessageInfo mi = g.get();
            return mi == null ? 0 : mi.getSeq();
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) return 0;
            throw e;
        }
    }

    /** The subject's next message at or after {@code seq}, or null if there is none. */
    private MessageInfo next(String subject, long seq) throws IOException, JetStreamApiException {
        try {
            return jsm.getNextMessage(stream, seq, subject);
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) return null;
            throw e;
        }
    }

    /** The messages with seq above {@code after}, oldest first, at most {@code limit}. */
    void after(String group, long after, long limit, FetchSink sink) throws IOException, JetStreamApiException {
        String subject = Subjects.posts(group);
        long last = last(subject);
        if (last > after) forward(group, subject, after + 1, last, limit, sink);
    }

    /** The newest {@code limit} messages with seq below {@code before} (all of them if negative), oldest first. */
    void before(String group, long before, long limit, FetchSink sink) throws IOException, JetStreamApiException {
        if (limit < 1) return;
        String subject = Subjects.posts(group);
        long last = last(subject);
        if (last == 0) return;
        long end = before < 0 ? last : Math.min(last, before - 1);
        long first = first(subject);
        if (first == 0 || end < first) return;
        long start = startOfNewest(subject, first, end, limit);
        forward(group, subject, start, end, limit, sink);
    }

    /**
     * Hands the subject's messages with seq from {@code from} to {@code to} to the sink, oldest
     * first, at most {@code limit}; stops at the first one the sink refuses.
     */
    private void forward(String group, String subject, long from, long to, long limit, FetchSink sink)
            throws IOException, JetStreamApiException {
        long seq = Math.max(1, from);
        for (long sent = 0; sent < limit && seq <= to; ) {
            MessageInfo mi = next(subject, seq);
            if (mi == null || mi.getSeq() > to) return;
            seq = mi.getSeq() + 1;
            read.increment();
            BusPayload.Post p = BusPayload.decode(mi.getData());
            if (p == null) continue;
            sent++;
            if (!sink.accept(new FromServer.Message(group, p.message(), p.from(), mi.getSeq(), millis(mi)))) return;
        }
    }

    /**
     * The seq from which the newest {@code limit} of the subject's messages in
     * {@code [first, end]} begin. Windows of sequences are counted going back from {@code end}:
     * the first is {@code limit} wide (a group alone on the stream fills it exactly), each next
     * one sized by the density seen so far, so a sparse group costs few windows and a dense one
     * little overshoot. The window that completes the count is stepped through again to its start.
     */
    long startOfNewest(String subject, long first, long end, long limit) throws IOException, JetStreamApiException {
        long hi = end;
        long need = limit;
        long width = Math.max(1, limit);
        long seen = 0;
        while (hi >= first) {
            long lo = Math.max(first, hi - width + 1);
            long n = count(subject, lo, hi);
            if (n >= need) return nth(subject, lo, n - need + 1);
            need -= n;
            seen += n;
            long spanned = end - lo + 1;
            // Messages per sequence so far decide the next width; none seen yet: double it.
            width = seen == 0 ? width * 2 : (long) Math.ceil(need * 1.25 * spanned / seen);
            width = Math.clamp(width, 1, end); // never past the stream's first seq, never overflowing
            hi = lo - 1;
        }
        return first;
    }

    /** The subject's messages with seq in {@code [lo, hi]}. */
    private long count(String subject, long lo, long hi) throws IOException, JetStreamApiException {
        long n = 0;
        for (long seq = lo; seq <= hi; n++) {
            MessageInfo mi = next(subject, seq);
            if (mi == null || mi.getSeq() > hi) return n;
            seq = mi.getSeq() + 1;
        }
        return n;
    }

    /** The seq of the subject's {@code k}-th message (1-based) at or after {@code lo}. */
    private long nth(String subject, long lo, long k) throws IOException, JetStreamApiException {
        long seq = lo;
        for (long i = 1; ; i++) {
            MessageInfo mi = next(subject, seq);
            if (mi == null) return seq; // trimmed meanwhile: read on from here
            if (i == k) return mi.getSeq();
            seq = mi.getSeq() + 1;
        }
    }
}
