package parley.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** A {@link Sink} over a blocking channel, such as a plain TCP socket. */
final class ChannelSink implements Sink {
    private final WritableByteChannel channel;

    ChannelSink(WritableByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a broken transport: nothing more to do
        }
    }
}
