package parley.net;

import parley.log.Log;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections that wait for input without a thread. A connection's reader is a virtual thread,
 * and a virtual thread parked in a read keeps its stack (about 2 KB on the heap) for as long as
 * the client says nothing, which for a chat client is most of the time. A reader with nothing to
 * do hands its socket to this set instead and ends; when the socket has input (or its end, or an
 * error), a new reader thread starts where the old one stopped ({@link Connection#wakeFromIdle}).
 *
 * <p>One epoll set and one platform thread serve every such connection. The socket is watched
 * through the connection's own descriptor (see {@link ChannelSink#acquireFd}), never the JDK's,
 * whose number may be reused once the channel closes; a connection holds that descriptor while it
 * is registered here, so the number cannot move to another socket under the registration.
 * Registrations are one-shot: a connection is woken once, and removed before it is resumed.
 *
 * <p>Linux only, like {@link NonBlockingSend}; {@link #start} returns null elsewhere and readers
 * then wait in their reads as before, as they do on a server whose idle-readers setting is off
 * ({@link ChatServer} then starts no set).
 */
final class IdleReaders implements AutoCloseable {
    private static final int EPOLL_CLOEXEC = 0x80000, EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    private static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    private static final int EPOLLIN = 0x1, EPOLLRDHUP = 0x2000, EPOLLONESHOT = 1 << 30;
    /** struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16). */
    private static final boolean PACKED = List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;
    private static final int MAX_EVENTS = 256;
    /** The event data that stands for the wake-up descriptor rather than a connection's. */
    private static final long WAKE_UP = -1;

    private final int epfd;
    /** An eventfd in the set, written to by {@link #close} so the thread stops waiting at once. */
    private final int wakeFd;
    private final ConcurrentHashMap<Integer, Connection> parked = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    private IdleReaders(int epfd, int wakeFd) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.thread = Thread.ofPlatform().name("parley-idle-readers").daemon().unstarted(this::run);
    }

    /** Starts the set and its thread, or returns null where there is no epoll to use. */
    static IdleReaders start() {
        if (!NonBlockingSend.AVAILABLE || !Linux.hasEpoll()) return null;
        int ep = -1, wake = -1;
        try {
            ep = Linux.epollCreate1(EPOLL_CLOEXEC);
            wake = Linux.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        } catch (Throwable e) {
            // treated as failures below
        }
        if (ep < 0 || wake < 0) {
            closeFd(ep);
            closeFd(wake);
            return null;
        }
        IdleReaders r = new IdleReaders(ep, wake);
        if (r.ctl(EPOLL_CTL_ADD, wake, EPOLLIN, WAKE_UP) != 0) {
            closeFd(ep);
            closeFd(wake);
            return null;
        }
        r.thread.start();
        return r;
    }

    /**
     * Watches {@code fd} (held by the caller until {@link #forget}) for input, end of input or an
     * error, then calls {@code c.wakeFromIdle()} once. Returns false if it cannot be watched.
     */
    boolean park(int fd, Connection c) {
        if (closed) return false;
        parked.put(fd, c);
        if (ctl(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, fd) == 0) {
            if (!closed) return true;
            ctl(EPOLL_CTL_DEL, fd, 0, fd); // closing: the close may already have woken everyone it saw
        }
        parked.remove(fd, c);
        return false;
    }

    /** Stops watching {@code fd} for {@code c}; before the descriptor is let go. */
    void forget(int fd, Connection c) {
        parked.remove(fd, c);
        ctl(EPOLL_CTL_DEL, fd, 0, fd);
    }

    /** Connections waiting here now. */
    int size() {
        return parked.size();
    }

    private int ctl(int op, int fd, int events, long data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(EVENT_SIZE, 8);
            ev.set(JAVA_INT_UNALIGNED, 0, events);
            ev.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
            return Linux.epollCtl(epfd, op, fd, ev);
        } catch (Throwable e) {
            return -1;
        }
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(EVENT_SIZE * MAX_EVENTS, 8);
            while (!closed) {
                int n;
                try {
                    n = Linux.epollWait(epfd, events, MAX_EVENTS, -1);
                } catch (Throwable e) {
                    Log.error("idle_readers.failed", e);
                    break;
                }
                for (int i = 0; i < n; i++) {
                    long data = events.get(JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
                    if (data == WAKE_UP) continue; // close(): the loop's test ends it
                    Connection c = parked.remove((int) data);
                    if (c != null) c.wakeFromIdle();
                }
            }
        } finally {
            closed = true;
            wakeAll(); // nobody is left to watch: every parked reader goes back to waiting in its read
        }
    }

    private void wakeAll() {
        for (Connection c : parked.values()) {
            c.wakeFromIdle();
        }
    }

    /** Stops watching; every connection still parked is woken and reads on its own thread. */
    @Override
    public void close() {
        if (closed && !thread.isAlive()) return;
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(8, 8);
            one.set(JAVA_LONG_UNALIGNED, 0, 1L);
            Linux.write(wakeFd, one, 8L);
        } catch (Throwable e) {
            // the thread is failing anyway, and ends through its own finally
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wakeAll();
        closeFd(epfd);
        closeFd(wakeFd);
    }

    private static void closeFd(int fd) {
        if (fd >= 0) NonBlockingSend.close(fd);
    }
}
