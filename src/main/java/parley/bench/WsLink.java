package parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A WebSocket connection made by the JDK's {@link HttpClient}, which does the framing: one request
 * per text message (the gateway's rule), and each text message the server sends is one reply,
 * handed on as a line (with the newline TCP would have had) so that the same scanner reads it.
 *
 * <p>Nothing is asked of the socket until {@link #read} is called ({@link WebSocket#request}), so
 * replies wait in the client until the subscriber's counting is in place.
 */
final class WsLink implements Link, WebSocket.Listener {
    private static final byte[] EMPTY = new byte[0];

    private final AtomicBoolean ended = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile Inbound inbound;
    /** The connection has ended; set before {@link #inbound} is looked at, so one of the two sides calls ended. */
    private volatile boolean gone;

    private WsLink() {}

    /** Opens a WebSocket to {@code uri} within {@code timeout}, and sends {@code hello} if not null. */
    static WsLink connect(HttpClient client, URI uri, Duration timeout, byte[] hello) throws IOException {
        WsLink link = new WsLink();
        CompletableFuture<WebSocket> opening = client.newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(uri, link);
        try {
            link.socket = opening.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("WebSocket " + uri + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            opening.cancel(true);
            throw new IOException("WebSocket " + uri + ": no handshake within " + Fmt.seconds(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening a WebSocket", e);
        }
        if (hello != null) link.send(ByteBuffer.wrap(hello));
        return link;
    }

    /** One text message per line, without its newline, each sent before the next (the API allows one at a time). */
    @Override
    public void send(ByteBuffer lines) throws IOException {
        int pos = lines.position();
        int limit = lines.limit();
        byte[] line = EMPTY;
        for (int i = pos; i < limit; i++) {
            if (lines.get(i) != '\n') continue;
            int len = i - pos;
            if (line.length < len) line = new byte[Math.max(len, 256)];
            lines.get(pos, line, 0, len);
            if (len > 0) sendText(new String(line, 0, len, StandardCharsets.UTF_8));
            pos = i + 1;
        }
        lines.position(limit);
    }

    private void sendText(String text) throws IOException {
        try {
            socket.sendText(text, true).get();
        } catch (ExecutionException e) {
            throw new IOException("WebSocket send failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending", e);
        }
    }

    @Override
    public void read(Inbound in, int bufferSize) {
        inbound = in;
        if (gone) end();
        else socket.request(1);
    }

    /** Asks for nothing yet: messages wait until {@link #read}. */
    @Override
    public void onOpen(WebSocket webSocket) {
        // no request(1) here, unlike the default
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!last) {
            partial.append(data);
        } else {
            String text;
            if (partial.isEmpty()) {
                text = data.toString();
            } else {
                text = partial.append(data).toString();
                partial.setLength(0);
            }
            byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
            inbound.received(b, 0, b.length, BenchClock.now());
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1); // the server never sends binary messages; nothing to count
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end();
    }

    private void end() {
        gone = true;
        Inbound in = inbound;
        if (in != null && ended.compareAndSet(false, true)) in.ended();
    }

    /** A Close frame if it goes out within a second, then the connection dropped. */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws == null) return;
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // dropped below anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ws.abort();
        end();
    }
}
