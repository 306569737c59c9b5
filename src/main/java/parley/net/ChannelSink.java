package parley.net;

import parley.server.Sink;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A {@link Sink} over a blocking channel, such as a plain TCP socket. Over a TCP socket it can
 * also {@link #tryWrite} without waiting, on a descriptor of its own (see {@link NonBlockingSend}).
 */
final class ChannelSink implements Sink {
    private static final VarHandle USERS;
    private static final int CLOSED = 1 << 30;
    private static final int FD_GONE = 1 << 29;

    static {
        try {
            USERS = MethodHandles.lookup().findVarHandle(ChannelSink.class, "users", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WritableByteChannel channel;
    /** Our own descriptor for the socket, or -1: sends on it never wait. */
    private final int sendFd;
    /** Whether posters may {@link #tryWrite} (the inline-send setting); the descriptor serves the idle set anyway. */
    private final boolean inlineSend;
    /**
     * Sends in progress on {@link #sendFd} and other holds ({@link #acquireFd}), plus
     * {@link #CLOSED} once the sink is closed, plus {@link #FD_GONE} once the descriptor is
     * closed: by whoever finds it closed with no send in progress, so never under a send, and once.
     */
    @SuppressWarnings("unused") // through USERS
    private volatile int users;
    private volatile Runnable closeListener;
    /** The writer's buffer wrapped once: the writer writes from the same array again and again. */
    private byte[] wrapped;
    private ByteBuffer view;
    private Runnable progressed = () -> {};

    /**
     * @param inlineSend whether others may write to the socket without waiting ({@link #tryWrite});
     *                   when false, every write is the writer thread's
     */
    ChannelSink(WritableByteChannel channel, boolean inlineSend) {
        this.channel = channel;
        this.sendFd = channel instanceof SocketChannel s ? NonBlockingSend.dup(s) : -1;
        this.inlineSend = inlineSend;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        if (buf != wrapped) {
            wrapped = buf;
            view = ByteBuffer.wrap(buf);
        }
        ByteBuffer b = view;
        b.limit(off + len).position(off);
        while (true) {
            // A blocking channel write returns once the socket took something, not necessarily all.
            int n = channel.write(b);
            if (!b.hasRemaining()) return;
            if (n > 0) progressed.run();
        }
    }

    @Override
    public void onProgress(Runnable progressed) {
        this.progressed = progressed;
    }

    @Override
    public long unacknowledged() {
        if (!acquireFd()) return -1;
        try {
            return NonBlockingSend.unacknowledged(sendFd);
        } finally {
            releaseFd();
        }
    }

    @Override
    public boolean canTryWrite() {
        return inlineSend && sendFd >= 0;
    }

    @Override
    public long tryWrite(byte[] buf, int off, int len) {
        if (!inlineSend || !acquireFd()) return -1;
        try {
            return NonBlockingSend.send(sendFd, buf, off, len);
        } finally {
            releaseFd();
        }
    }

    /**
     * Our descriptor for the socket, or -1. Valid only between {@link #acquireFd} and
     * {@link #releaseFd}: the number may belong to another socket after that.
     */
    int fd() {
        return sendFd;
    }

    /**
     * Keeps {@link #fd} open, and so the socket, until {@link #releaseFd}, even if the sink is
     * closed meanwhile (the close then completes at the release). False if there is no descriptor
     * or the sink is already closed; then nothing is held.
     */
    boolean acquireFd() {
        if (sendFd < 0) return false;
        int u = (int) USERS.getAndAdd(this, 1);
        if ((u & CLOSED) == 0) return true;
        releaseFd();
        return false;
    }

    void releaseFd() {
        USERS.getAndAdd(this, -1);
        closeFdIfUnused();
    }

    /** Runs {@code listener} once the sink is closed (the connection's reader may be parked without a thread). */
    void onClose(Runnable listener) {
        this.closeListener = listener;
    }

    private void closeFdIfUnused() {
        while (users == CLOSED) {
            if (USERS.compareAndSet(this, CLOSED, CLOSED | FD_GONE)) {
                NonBlockingSend.close(sendFd);
                return;
            }
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
        if (sendFd < 0) return;
        int u;
        do {
            u = users;
            if ((u & CLOSED) != 0) return; // closed before
        } while (!USERS.compareAndSet(this, u, u | CLOSED));
        closeFdIfUnused();
        Runnable listener = closeListener;
        if (listener != null) listener.run();
    }
}
