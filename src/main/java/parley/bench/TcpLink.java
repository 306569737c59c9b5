package parley.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A plain TCP connection: a blocking {@link SocketChannel}, until a selector thread takes it over. */
record TcpLink(SocketChannel channel) implements Link {

    @Override
    public void send(ByteBuffer lines) throws IOException {
        while (lines.hasRemaining()) channel.write(lines);
    }

    /** A virtual thread blocked in the channel's read; only publishers read this way. */
    @Override
    public void read(Inbound inbound, int bufferSize) {
        Thread.ofVirtual().name("bench-tcp-reader").start(() -> {
            ByteBuffer in = ByteBuffer.allocate(bufferSize);
            try {
                int n;
                while ((n = channel.read(in.clear())) >= 0) {
                    if (n > 0) inbound.received(in.array(), 0, n, BenchClock.now());
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
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
