package parley.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSocket;

/**
 * A TLS connection: the JDK's {@link SSLSocket} over a connected plain socket, read by a virtual
 * thread of its own blocked in the socket's read.
 */
final class TlsLink implements Link {
    private final SSLSocket socket;
    private final OutputStream out;
    private final InputStream in;
    /** Where a direct buffer's lines are copied to be written; only the sending thread uses it. */
    private byte[] scratch = new byte[0];

    TlsLink(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    @Override
    public void send(ByteBuffer lines) throws IOException {
        int n = lines.remaining();
        if (lines.hasArray()) {
            out.write(lines.array(), lines.arrayOffset() + lines.position(), n);
        } else {
            if (scratch.length < n) scratch = new byte[Math.max(n, scratch.length * 2)];
            lines.get(lines.position(), scratch, 0, n);
            out.write(scratch, 0, n);
        }
        out.flush();
        lines.position(lines.limit());
    }

    @Override
    public void read(Inbound inbound, int bufferSize) {
        Thread.ofVirtual().name("bench-tls-reader").start(() -> {
            byte[] b = new byte[bufferSize];
            try {
                int n;
                while ((n = in.read(b)) >= 0) {
                    if (n > 0) inbound.received(b, 0, n, BenchClock.now());
                }
            } catch (IOException e) {
                // closed
            } finally {
                inbound.ended();
            }
        });
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
