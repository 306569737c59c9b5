package parley.web;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.SocketWriterException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import parley.budget.MemoryBudget;
import parley.log.Log;

/**
 * One WebSocket connection after the handshake: reads the client's frames as bytes, writes ours.
 * It takes the place of Helidon's {@code WsConnection} (Helidon still answers the handshake, see
 * {@link GatewayUpgrader}), for three reasons Helidon 4.5 leaves no hook for:
 *
 * <ul>
 *   <li>Helidon decodes every text frame into a String before a listener sees it, replacing
 *       invalid UTF-8 with U+FFFD; here the message's bytes go to the session as they came, so
 *       invalid UTF-8 gets the same {@code invalid UTF-8 at byte N} Error as on TCP;</li>
 *   <li>Helidon reads a whole frame into memory, and a listener must join the frames of a message
 *       itself (as Strings: two bytes a char); here a message is assembled in one byte array,
 *       checked against the line limit from each frame's header before its payload is read, and
 *       counted against the {@code fragments} budget ({@link #assemble});</li>
 *   <li>Helidon answers a reserved opcode with an exception its HTTP/1 connection turns into a raw
 *       {@code HTTP/1.1 500} written into the WebSocket stream, and echoes any close code; here
 *       every protocol error (RFC 6455 section 5, 7.4) is a Close with 1002 (1007 for a close
 *       reason that is not UTF-8), then the connection ends.</li>
 * </ul>
 *
 * <p>The connection's (virtual) thread runs {@link #handle}: it reads one frame after another and
 * calls the {@link WsBridge} for each complete message, Close, ping or pong; any thread may send
 * (one lock orders the frames).
 */
final class FrameConnection implements ServerConnection {
    private static final int CONTINUATION = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;
    private static final int NONE = -1;
    static final int PROTOCOL_ERROR = 1002, INVALID_DATA = 1007;

    private final ConnectionContext ctx;
    private final DataReader in;
    private final WsBridge bridge;
    private final MemoryBudget budget;
    /** The longest text message: the line limit and a CR LF. */
    private final int maxMessage;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicBoolean closeSent = new AtomicBoolean();

    private volatile Thread thread;
    private volatile boolean canRun = true;
    /** The thread is waiting for the client's bytes (not inside the bridge). */
    private volatile boolean reading;
    private volatile long lastRead = System.nanoTime();
    /** When the text message being received began (nanoTime), or 0 if none is. */
    private volatile long messageSince;

    // The connection's thread only.
    private int message = NONE;
    /** After an over-long or refused message: data frames are read past, never kept. */
    private volatile boolean discarding;
    private byte[] buf;
    private int len;
    /** Bytes reserved from the budget for {@link #buf}. */
    private long held;
    private final int[] mask = new int[4];

    FrameConnection(ConnectionContext ctx, WsBridge bridge, int maxLineBytes, MemoryBudget budget) {
        this.ctx = ctx;
        this.in = ctx.dataReader();
        this.bridge = bridge;
        this.budget = budget;
        this.maxMessage = (int) Math.min(Integer.MAX_VALUE - 64, maxLineBytes + 2L);
    }

    /** The client's address, for logs. */
    String peer() {
        return "ws " + ctx.remotePeer().address();
    }

    // ------------------------------------------------------------------ reading

    @Override
    public void handle(Limit limit) {
        run();
    }

    @Override
    public void handle(Semaphore requestSemaphore) {
        run();
    }

    private void run() {
        thread = Thread.currentThread();
        try {
            bridge.opened(this);
            while (canRun && frame()) {
                // one frame after another
            }
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw new CloseConnectionException("WebSocket closed by the client", e);
        } catch (CloseConnectionException e) {
            throw e;
        } catch (RuntimeException e) {
            // Whatever happens, no HTTP answer may follow the upgrade: the connection just ends.
            throw new CloseConnectionException("WebSocket connection failed: " + e, e);
        } finally {
            try {
                drop();
            } finally {
                endSession();
            }
        }
    }

    /**
     * Ends the session on the connection thread's way out. Nothing it throws may leave
     * {@link #handle}: Helidon would answer it with an HTTP 500 written into the WebSocket stream.
     */
    private void endSession() {
        try {
            bridge.gone();
        } catch (RuntimeException e) {
            Log.warn("ws.end_failed", "error", e.toString());
        }
    }

    /** Reads and acts on one frame; false when the connection is to end. */
    private boolean frame() {
        reading = true;
        int b0 = in.read() & 0xFF;
        int b1 = in.read() & 0xFF;
        lastRead = System.nanoTime();
        boolean fin = (b0 & 0x80) != 0;
        int op = b0 & 0x0F;
        if ((b0 & 0x70) != 0) return fail(PROTOCOL_ERROR, "reserved bits set: no extension was agreed");
        if ((b1 & 0x80) == 0) return fail(PROTOCOL_ERROR, "a client's frames must be masked");
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (in.read() & 0xFF) << 8 | (in.read() & 0xFF);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) length = length << 8 | (in.read() & 0xFF);
            if (length < 0) return fail(PROTOCOL_ERROR, "frame length over 2^63");
        }
        for (int i = 0; i < 4; i++) mask[i] = in.read();
        switch (op) {
            case CLOSE, PING, PONG -> {
                if (!fin || length > 125) return fail(PROTOCOL_ERROR, "a control frame must be one frame of at most 125 bytes");
                byte[] p = readSmall((int) length);
                reading = false;
                if (op == CLOSE) return closeFrame(p);
                bridge.heard();
                if (op == PING) pong(p);
                return true;
            }
            case TEXT, BINARY -> {
                if (message != NONE) return fail(PROTOCOL_ERROR, "a new message began before the last one ended");
                message = op;
                if (op == TEXT) messageSince = lastRead == 0 ? 1 : lastRead;
            }
            case CONTINUATION -> {
                if (message == NONE) return fail(PROTOCOL_ERROR, "a continuation frame without a message to continue");
            }
            default -> {
                return fail(PROTOCOL_ERROR, "reserved opcode " + op);
            }
        }
        // Before Auth (when it is needed) the client's limit is the small one, as on TCP.
        int allowed = (int) Math.min(maxMessage, bridge.lineLimit() + 2L);
        if (discarding || message == BINARY) {
            skip(length);
        } else if (len + length > allowed) {
            discarding = true;
            drop();
            reading = false;
            bridge.tooLong();
            skip(length);
        } else if (!assemble(len + (int) length, allowed)) {
            discarding = true;
            drop();
            reading = false;
            bridge.noMemory();
            skip(length);
        } else {
            readInto((int) length);
        }
        reading = false;
        bridge.heard();
        if (fin) {
            int kind = message;
            message = NONE;
            messageSince = 0;
            if (discarding) return true;
            if (kind == BINARY) {
                bridge.binary();
            } else {
                try {
                    bridge.text(buf, len);
                } finally {
                    drop();
                }
            }
        }
        return true;
    }

    /**
     * Makes room for a message of {@code size} bytes, reserving the array from the fragments
     * budget first (its real size, header and padding included); false, holding what it held,
     * if the budget is full. A frame's payload is reserved whole when its header arrives, before
     * any of it is read; a fragmented message grows by doubling, never past {@code allowed}.
     */
    private boolean assemble(int size, int allowed) {
        if (buf != null && buf.length >= size) return true;
        int cap = buf == null ? size : (int) Math.max(size, Math.min(allowed, 2L * buf.length));
        long cost = arrayBytes(cap);
        if (!budget.tryReserve(cost - held)) return false;
        byte[] b = new byte[cap];
        if (len > 0) System.arraycopy(buf, 0, b, 0, len);
        buf = b;
        held = cost;
        return true;
    }

    /** What a byte array of {@code n} elements takes on the heap: a 16-byte header, 8-byte aligned. */
    static long arrayBytes(int n) {
        return 16 + ((n + 7L) & ~7L);
    }

    /** When the text message being received began (nanoTime), or 0 if none is: any thread. */
    long unfinishedSince() {
        return discarding ? 0 : messageSince;
    }

    /** Lets go of the message being assembled and gives its bytes back to the budget. */
    private void drop() {
        buf = null;
        len = 0;
        if (held > 0) {
            budget.release(held);
            held = 0;
        }
    }

    private void readInto(int n) {
        int start = len;
        while (n > 0) {
            if (in.available() == 0) in.pullData();
            int k = Math.min(n, in.available());
            in.readBuffer(k).read(buf, len, k);
            len += k;
            n -= k;
        }
        for (int i = start; i < len; i++) buf[i] ^= (byte) mask[(i - start) & 3];
    }

    private byte[] readSmall(int n) {
        byte[] p = n == 0 ? new byte[0] : in.readBytes(n);
        for (int i = 0; i < n; i++) p[i] ^= (byte) mask[i & 3];
        return p;
    }

    private void skip(long n) {
        reading = true;
        while (n > 0) {
            if (in.available() == 0) in.pullData();
            int k = (int) Math.min(n, in.available());
            in.skip(k);
            n -= k;
        }
    }

    /** The client's Close (RFC 6455 section 5.5.1, 7.4): checked, then answered; the connection ends. */
    private boolean closeFrame(byte[] p) {
        if (p.length == 1) return fail(PROTOCOL_ERROR, "a close frame's body is a code of two bytes, then a reason");
        if (p.length >= 2) {
            int code = (p[0] & 0xFF) << 8 | (p[1] & 0xFF);
            if (!validCloseCode(code)) return fail(PROTOCOL_ERROR, "invalid close code " + code);
            try {
                UTF_8.newDecoder().decode(ByteBuffer.wrap(p, 2, p.length - 2));
            } catch (CharacterCodingException e) {
                return fail(INVALID_DATA, "the close reason is not valid UTF-8");
            }
        }
        bridge.closedByClient();
        close(1000, "");
        return false;
    }

    /**
     * The codes a Close may carry (RFC 6455 section 7.4; the IANA registry adds 1012 to 1014):
     * never 1004, nor 1005, 1006 and 1015, which only report what happened locally.
     */
    static boolean validCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** Fails the connection (RFC 6455 section 7.1.7): a Close with {@code code}, then the end. */
    private boolean fail(int code, String reason) {
        reading = false;
        close(code, reason);
        bridge.protocolError(code, reason);
        return false;
    }

    // ------------------------------------------------------------------ writing (any thread)

    /** One text message, the given UTF-8 bytes. */
    void sendText(byte[] b, int off, int n) {
        send(TEXT, b, off, n);
    }

    void ping() {
        send(PING, new byte[0], 0, 0);
    }

    private void pong(byte[] p) {
        send(PONG, p, 0, p.length);
    }

    /** Sends a Close frame, once; later calls do nothing. */
    void close(int code, String reason) {
        if (!closeSent.compareAndSet(false, true)) return;
        byte[] r = reason.getBytes(UTF_8);
        byte[] p = new byte[2 + Math.min(r.length, 123)];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, p.length - 2);
        send(CLOSE, p, 0, p.length);
    }

    private void send(int op, byte[] b, int off, int n) {
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[header + n];
        f[0] = (byte) (0x80 | op);
        if (n < 126) {
            f[1] = (byte) n;
        } else if (n < 65536) {
            f[1] = 126;
            f[2] = (byte) (n >> 8);
            f[3] = (byte) n;
        } else {
            f[1] = 127;
            for (int i = 0; i < 8; i++) f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
        }
        System.arraycopy(b, off, f, header, n);
        sendLock.lock();
        try {
            ctx.dataWriter().writeNow(BufferData.create(f));
        } catch (SocketWriterException | UncheckedIOException e) {
            throw new ServerConnectionException("Failed to write websocket frame", e);
        } finally {
            sendLock.unlock();
        }
    }

    // ------------------------------------------------------------------ Helidon's side

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(System.nanoTime() - lastRead);
    }

    /**
     * Stops reading: interrupts the thread if {@code interrupt}, or if it is waiting for the
     * client (never while it is inside the session), which closes the socket.
     */
    @Override
    public void close(boolean interrupt) {
        canRun = false;
        Thread t = thread;
        if (t != null && (interrupt || reading)) t.interrupt();
    }
}
