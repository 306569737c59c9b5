package parley.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import parley.log.Log;

/**
 * The header timeout Helidon lacks: its idle timeout ends a connection that waits for a request
 * line, but not one whose request line came and whose headers trickle in (the slowloris). This
 * listener notes when each request line arrives and forgets it when the headers are whole; a
 * sweep closes the socket of any request whose headers are not whole within the timeout.
 */
final class HeaderTimeout implements Http1ConnectionListener {
    private final long timeoutNanos;
    private final Map<ConnectionContext, Long> waiting = new ConcurrentHashMap<>();
    private final LongAdder closed = new LongAdder();

    HeaderTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        waiting.put(ctx, System.nanoTime());
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        waiting.remove(ctx);
    }

    /** Closes the connections whose headers are overdue; returns how many. */
    int sweep() {
        long now = System.nanoTime();
        int n = 0;
        for (Map.Entry<ConnectionContext, Long> e : waiting.entrySet()) {
            if (now - e.getValue() <= timeoutNanos) continue;
            if (!waiting.remove(e.getKey(), e.getValue())) continue;
            try {
                e.getKey().serverSocket().close();
            } catch (RuntimeException ex) {
                Log.debug("http.header_timeout_close_failed", "error", ex.toString());
            }
            n++;
        }
        if (n > 0) {
            closed.add(n);
            Log.debug("http.header_timeout", "closed", n);
        }
        return n;
    }

    /** Requests waiting for the rest of their headers now. */
    int waiting() {
        return waiting.size();
    }

    /** Connections closed because their headers did not arrive in time. */
    long closed() {
        return closed.sum();
    }
}
