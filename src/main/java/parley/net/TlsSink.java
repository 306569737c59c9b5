package parley.net;

import parley.server.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * A {@link Sink} over a TLS socket layered on an accepted channel. Closing closes the channel
 * underneath, which releases a reader or writer blocked in the TLS layer at once (closing the
 * TLS socket itself would first try to send close_notify, and block behind a stuck write).
 */
final class TlsSink implements Sink {
    /** How long an orderly close may wait to send close_notify before the socket is just closed. */
    private static final Duration CLOSE_NOTIFY_WAIT = Duration.ofSeconds(1);
    /** The most plaintext one TLS record carries. */
    private static final int RECORD = 16 * 1024;

    private final SSLSocket tls;
    private final OutputStream out;
    private final SocketChannel raw;
    private Runnable progressed = () -> {};

    TlsSink(SSLSocket tls, SocketChannel raw) throws IOException {
        this.tls = tls;
        this.out = tls.getOutputStream();
        this.raw = raw;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        // In pieces of one TLS record: the TLS stream blocks until all it was given is sent, so
        // progress (for the write deadline) can only be seen between pieces.
        for (int done = 0; done < len; ) {
            int n = Math.min(RECORD, len - done);
            out.write(buf, off + done, n);
            done += n;
            if (done < len) progressed.run();
        }
    }

    @Override
    public void onProgress(Runnable progressed) {
        this.progressed = progressed;
    }

    /** close_notify, so the client reads a clean end of stream rather than a truncation error. */
    @Override
    public void sendClose() {
        Thread t = Thread.ofVirtual().name("parley-tls-close").start(() -> {
            try {
                tls.close();
            } catch (IOException ignored) {
                // the raw close below follows anyway
            }
        });
        try {
            t.join(CLOSE_NOTIFY_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // closing a broken transport: nothing more to do
        }
    }
}
