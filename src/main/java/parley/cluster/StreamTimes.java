package parley.cluster;

import io.nats.client.Connection;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The stream's time of a stored message, asked without blocking: a publish acknowledgement
 * carries the seq but not the time, and a {@code Posted} must carry the same {@code ts} as the
 * {@code Message} every member gets, which is the stream's. For a duplicate, the acknowledgement
 * names the original's seq, so asking by seq gives the original's time: the same as the first
 * {@code Posted}.
 *
 * <p>Asked of the stream's leader ({@code STREAM.MSG.GET}), not with a direct get, which any
 * replica may answer before it has the message just acknowledged.
 */
final class StreamTimes {
    private final Connection nc;
    private final String subject;
    private final Duration timeout;
    private final java.util.concurrent.atomic.LongAdder asked = new java.util.concurrent.atomic.LongAdder();

    StreamTimes(Connection nc, String stream, Duration timeout) {
        this.nc = nc;
        this.subject = "$JS.API.STREAM.MSG.GET." + stream;
        this.timeout = timeout;
    }

    /** The time (ms since 1970) the stream stored message {@code seq} at. */
    CompletableFuture<Long> of(long seq) {
        asked.increment();
        return nc.requestWithTimeout(subject, MessageGetRequest.forSequence(seq).serialize(), timeout)
                .thenApply(reply -> {
                    MessageInfo mi = new MessageInfo(reply);
                    if (mi.hasError()) {
                        throw new java.util.concurrent.CompletionException(new IOException(mi.getError()));
                    }
                    return HistoryReader.millis(mi);
                });
    }

    /** Times asked of the stream since the start. */
    long asked() {
        return asked.sum();
    }
}
