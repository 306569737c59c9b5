package parley.net;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * {@code send(2)} with {@code MSG_DONTWAIT} on a TCP socket: a write that takes what the socket
 * buffer has room for and never waits, so a poster can hand a message to a quiet group's members
 * on its own thread without a slow member ever holding it up (see {@link Outbound#wakeInline}).
 * The JDK has no such call for a channel that a virtual thread also reads in blocking mode:
 * non-blocking mode belongs to the whole channel and would turn every read into a poll.
 *
 * <p>Linux only, and only when {@code java.base} exports {@code sun.nio.ch} to Parley (the jar's
 * manifest and the test set-up do), because the descriptor number comes from the JDK's channel.
 * Otherwise {@link #AVAILABLE} is false and every write goes through the writer thread, as it does
 * on a server whose inline-send setting is off ({@link ChannelSink#canTryWrite}).
 *
 * <p>A descriptor number is safe to use only while it is open, and the JDK closes its own whenever
 * the channel closes; the number may then go to the next accepted client. So Parley sends on a
 * {@link #dup} of it, which it closes itself once no send can be using it ({@link ChannelSink}).
 */
final class NonBlockingSend {
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;

    /** True when sends can be made: Linux, libc's calls bound ({@link Linux}), the channel's descriptor readable. */
    static final boolean AVAILABLE;
    /** Linux's TIOCOUTQ, which for TCP counts the bytes written and not yet acknowledged by the peer. */
    private static final long SIOCOUTQ = 0x5411;
    private static final Method FD_VAL;

    static {
        Method fdVal = null;
        try {
            if (Linux.hasSend()) {
                Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
                if (!selChImpl.getModule().isExported("sun.nio.ch", NonBlockingSend.class.getModule())) {
                    throw new IllegalAccessException("java.base does not export sun.nio.ch to Parley");
                }
                fdVal = selChImpl.getMethod("getFDVal");
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            fdVal = null; // not exported to us, or not Linux: the writer thread does it all
        }
        FD_VAL = fdVal;
        AVAILABLE = fdVal != null;
    }

    private NonBlockingSend() {}

    /** A descriptor of our own for the channel's socket, or -1 if that cannot be had. */
    static int dup(SocketChannel channel) {
        if (!AVAILABLE) return -1;
        try {
            int fd = (int) FD_VAL.invoke(channel);
            return fd < 0 ? -1 : Linux.dup(fd);
        } catch (Throwable e) {
            return -1; // not exported to us after all: the writer thread does it all
        }
    }

    /**
     * Sends up to {@code len} bytes without waiting. Returns how many the socket took: fewer than
     * {@code len}, or -1, when its buffer is full or the connection is broken; the writer thread
     * then writes the rest and, if the connection is broken, finds out there.
     */
    static long send(int fd, byte[] b, int off, int len) {
        try {
            // The call reads the array in place: the bounds are checked here, as a slice would.
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            // Sends start at offset 0 (a line, or the front of a batch's buffer); for those a slice
            // would only be a second segment allocated per send.
            MemorySegment whole = MemorySegment.ofArray(b);
            return Linux.send(fd, off == 0 ? whole : whole.asSlice(off, len), len, MSG_DONTWAIT | MSG_NOSIGNAL);
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * Bytes written to socket {@code fd} that the peer has not acknowledged yet ({@code SIOCOUTQ});
     * -1 if that cannot be asked. Falls as the client's side takes data in, so a writer blocked on
     * a full socket can tell a slow reader from one that reads nothing.
     */
    static long unacknowledged(int fd) {
        if (!Linux.hasIoctl()) return -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int rc = Linux.ioctl(fd, SIOCOUTQ, count);
            return rc == 0 ? count.get(JAVA_INT, 0) : -1;
        } catch (Throwable e) {
            return -1;
        }
    }

    static void close(int fd) {
        try {
            Linux.close(fd);
        } catch (Throwable e) {
            // nothing to do: the descriptor is gone either way
        }
    }
}
