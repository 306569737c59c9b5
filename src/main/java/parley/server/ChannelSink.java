package parley.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** A {@link Sink} over a blocking channel, such as a plain TCP socket. */
final class ChannelSink implements Sink {
    private final WritableByteChannel channel;
    /** The writer's buffer wrapped once: the writer writes from the same array again and again. */
    private byte[] wrapped;
    private ByteBuffer view;

    ChannelSink(WritableByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        if (buf != wrapped) {
            wrapped = buf;
            view = ByteBuffer.wrap(buf);
        }
        ByteBuffer b = view;
        b.limit(off + len).position(off);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @Override
    public void idle() {
        wrapped = null;
        view = null;
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
