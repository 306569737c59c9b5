package parley.net;

import parley.log.Log;
import parley.server.Chat;
import parley.server.ServerConfig;
import parley.server.Session;
import parley.server.Sink;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import parley.budget.Budgets;
import parley.protocol.LineBudgetException;
import parley.protocol.LineReader;
import parley.protocol.LineTooLongException;
import parley.server.Metrics.CloseReason;
import parley.server.Metrics.ErrorKind;
import parley.tls.Tls;

/**
 * A TCP client, plain or TLS, served by its own virtual thread: read a line, hand it to the
 * {@link Session} (the seed's {@code serve} loop). Only a line over the length limit (4 KiB until
 * the client has authenticated, when authentication is on), or one that would have to grow the
 * read buffer while the server's lines budget is full, ends the connection from this side, because
 * the stream cannot be re-synchronised without buffering it. (A line left unfinished past the line
 * timeout is the chat's housekeeping to end.) The read buffer's growth is reserved from that
 * budget and given back when the connection ends.
 *
 * <p>TLS uses a blocking {@link SSLSocket} layered on the accepted channel: with virtual threads
 * blocking is cheap, and the handshake runs here, on the connection's own thread, so a slow or
 * silent client never holds up the accept loop. The handshake has a deadline of its own.
 */
final class Connection implements Runnable {
    /**
     * The name of every reader thread, the first ({@link ChatServer}) and each one resumed after
     * the idle set ({@link #wakeFromIdle}): one fixed name, so thread dumps and the tests count them.
     */
    static final String READER_THREAD = "parley-reader";

    private final SocketChannel socket;
    /** The TLS layer, or null for plain TCP. */
    private final SSLSocket tls;
    private final ReadableByteChannel in;
    /** Reader states: PARKING while the reader registers with the idle set, which a wake may interrupt. */
    private static final int RUNNING = 0, PARKING = 1, PARKED = 2, WOKEN_WHILE_PARKING = 3;
    private static final VarHandle IDLE_STATE;

    static {
        try {
            IDLE_STATE = MethodHandles.lookup().findVarHandle(Connection.class, "idleState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The idle set this plain connection may wait in, or null (TLS, or no epoll). */
    private final IdleReaders idle;
    /** The plain sink whose descriptor the idle set watches; set with {@link #idle}. */
    private final ChannelSink channelSink;
    /** RUNNING or PARKING while a reader thread exists, PARKED while the connection waits in the idle set. */
    @SuppressWarnings("unused") // through IDLE_STATE
    private volatile int idleState = RUNNING;
    private final InputActivity activity = new InputActivity();
    /** The line framing; handed from one reader thread to the next through the idle set. */
    private LineReader lines;
    private final ServerConfig config;
    private final Budgets budgets;
    private final Session session;
    private final String peer;
    /** Set when the server stops this connection's input: a read error after it is an orderly end. */
    private volatile boolean stopRequested;
    /** For TLS: the handshake is over, so the input may be shut without breaking it. */
    private volatile boolean handshakeDone;

    Connection(Chat chat, SocketChannel socket, SSLContext tlsContext, IdleReaders idleReaders) throws IOException {
        this.socket = socket;
        this.config = chat.config();
        this.budgets = chat.budgets();
        this.peer = peerOf(socket);
        Sink sink;
        if (tlsContext == null) {
            tls = null;
            ChannelSink plain = new ChannelSink(socket, chat.config().inlineSend());
            sink = plain;
            in = socket;
            if (idleReaders != null && plain.fd() >= 0) {
                idle = idleReaders;
                channelSink = plain;
                plain.onClose(this::wakeFromIdle);
            } else {
                idle = null;
                channelSink = null;
            }
        } else {
            idle = null;
            channelSink = null;
            tls = Tls.overAccepted(tlsContext, socket.socket());
            // Set before anything can write: the writer may be the one that runs the handshake.
            tls.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, config.tlsHandshakeTimeout().toMillis())));
            in = Channels.newChannel(tls.getInputStream());
            sink = new TlsSink(tls, socket);
        }
        this.session = chat.newSession(sink, this::stopReading, peer);
    }

    Session session() {
        return session;
    }

    @Override
    public void run() {
        read(true);
    }

    /**
     * The reader: from the start, or resumed on a new thread after waiting without one. Returns
     * when the connection ends, or when it hands its socket to the idle set and this thread ends.
     */
    private void read(boolean first) {
        boolean graceful = true;
        boolean parked = false;
        try {
            if (first) {
                if (tls != null) handshake();
                lines = new LineReader(in, config.readBufferBytes(), config.maxLineBytes(), budgets.lines());
                // Until it authenticates, a connection may hold no more than a small line.
                if (session.awaitingAuth()) lines.limitTo(Session.UNAUTHENTICATED_MAX_LINE);
                session.watchUnfinishedLines(lines::unfinishedSince);
            }
            // A resumed reader reads what woke it before it may wait without a thread again.
            boolean mayPark = first;
            // Checked before and after each line: a stop may come while a read waits, and a line
            // left half-sent when the input is cut must not be acted on.
            while (!session.isStopping()) {
                if (idle != null && !lines.hasBufferedLine() && !lines.ended()) {
                    // Between reads, even in the middle of a line, a reader may give up its thread.
                    if (mayPark && !activity.busy(System.nanoTime()) && parkIdle()) {
                        parked = true;
                        return;
                    }
                    lines.readOnce();
                    mayPark = true;
                    continue;
                }
                boolean more = lines.next();
                if (!more || session.isStopping()) break;
                activity.line(System.nanoTime());
                if (!lines.lineIsBlank()) {
                    session.handle(lines.array(), lines.lineStart(), lines.lineLength(), lines.hasBufferedLine());
                    if (lines.limit() < config.maxLineBytes() && !session.awaitingAuth()) {
                        lines.limitTo(config.maxLineBytes());
                    }
                } else {
                    session.heard();
                }
            }
        } catch (LineTooLongException e) {
            session.endFor(CloseReason.MAX_LINE, ErrorKind.MAX_LINE, "line too long: the limit is " + e.limit()
                    + " bytes; closing the connection");
            lines.close(); // give its share back now, not after the clean close's wait
            if (tls == null) closeCleanly();
        } catch (LineBudgetException e) {
            session.endFor(CloseReason.LINE_BUDGET, ErrorKind.LINE_BUDGET,
                    "server busy: too many long lines in progress; closing the connection");
            lines.close(); // give its share back now, not after the clean close's wait
            if (tls == null) closeCleanly();
        } catch (ClosedChannelException e) {
            graceful = false; // closed by us: shutdown, or the writer found the socket dead
        } catch (IOException e) {
            // After we stopped the input, a TLS read ends in an error rather than a clean end of stream.
            graceful = stopRequested;
            if (!graceful) Log.debug("connection.read_failed", "peer", peer, "error", e.toString());
        } catch (RuntimeException | Error e) {
            graceful = false;
            Log.error("connection.failed", e, "peer", peer);
        } finally {
            if (!parked) {
                if (lines != null) lines.close();
                session.end(graceful);
            }
        }
    }

    // ------------------------------------------------------------------ waiting without a thread

    /**
     * Hands the socket to the idle set and lets go of the read buffer, if nothing is half read.
     * Returns true if this thread must now end: a new one carries on when there is input.
     */
    private boolean parkIdle() {
        if (!channelSink.acquireFd()) return false; // closed: the read finds out
        lines.releaseBuffer();
        idleState = PARKING;
        boolean registered = idle.park(channelSink.fd(), this);
        if (registered && IDLE_STATE.compareAndSet(this, PARKING, PARKED)) {
            // A close that came while this thread still read found no parked reader to wake, and
            // the descriptor held here keeps the socket from showing it.
            if (session.isStopping() || !socket.isOpen()) wakeFromIdle();
            return true;
        }
        // Not registered, or input (or a close) came while registering: read on, on this thread.
        if (registered) idle.forget(channelSink.fd(), this);
        idleState = RUNNING;
        channelSink.releaseFd();
        return false;
    }

    /**
     * Input, its end or an error on a parked connection, or the connection closed: a new thread
     * goes on reading. Any thread; only the first call for one parking does anything, and one
     * that comes while the reader is still registering tells it to read on instead.
     */
    void wakeFromIdle() {
        while (true) {
            int s = idleState;
            if (s == PARKING) {
                if (IDLE_STATE.compareAndSet(this, PARKING, WOKEN_WHILE_PARKING)) return;
            } else if (s != PARKED) {
                return;
            } else if (IDLE_STATE.compareAndSet(this, PARKED, RUNNING)) {
                break;
            }
        }
        idle.forget(channelSink.fd(), this);
        channelSink.releaseFd();
        Thread.ofVirtual().name(READER_THREAD).start(() -> read(false));
    }

    /**
     * Sends what is queued, then closes our side and discards what the client is still sending
     * (for at most a second or a megabyte) before the socket closes. Closing with unread input
     * would make the kernel answer with a reset, which may destroy the Error explaining why.
     */
    private void closeCleanly() {
        session.flush();
        try {
            socket.shutdownOutput();
            Thread timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(1000);
                    socket.close();
                } catch (InterruptedException | IOException ignored) {
                    // reading finished first, or the socket is already gone
                }
            });
            ByteBuffer discard = ByteBuffer.allocate(8192);
            long discarded = 0;
            while (discarded < (1 << 20) && socket.read(discard.clear()) >= 0) {
                discarded += discard.position();
            }
            timer.interrupt();
        } catch (IOException ignored) {
            // the client went away first: nothing left to be clean about
        }
    }

    private void handshake() throws IOException {
        try {
            tls.startHandshake();
            tls.setSoTimeout(0);
            handshakeDone = true;
        } catch (IOException e) {
            session.closingFor(CloseReason.TLS_HANDSHAKE);
            Log.debug("tls.handshake_failed", "peer", peer, "error", e.toString());
            throw new ClosedChannelException(); // not graceful: nothing can be sent without TLS
        }
    }

    /**
     * Makes the reader see the end of input. Over TLS, not while the handshake runs: that would
     * break it, and with it the Error the session is about to send (server full, shutting down);
     * the reader checks the session after the handshake and stops by itself.
     */
    private void stopReading() {
        stopRequested = true;
        if (tls != null && !handshakeDone) return;
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            session.abort();
        }
    }

    private static String peerOf(SocketChannel s) {
        try {
            SocketAddress a = s.getRemoteAddress();
            return a == null ? "?" : a.toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
