package parley.web;

import io.helidon.websocket.WsCloseCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import parley.protocol.Codec;
import parley.server.Chat;
import parley.log.Log;
import parley.server.Metrics;
import parley.server.Session;
import parley.server.Sink;

/**
 * One browser connection: a {@link FrameConnection} on one side, a chat {@link Session} on the
 * other. A new bridge is made for every connection.
 *
 * <p><b>Input.</b> The frame connection calls the bridge from the connection's own (virtual)
 * thread, once per complete message, with its bytes as they came. Each text message is one
 * request line: a single line terminator at its end is allowed (so a client that sends TCP-style
 * lines works), a line break anywhere else gets an Error and the connection carries on, a blank
 * message is ignored like a blank line; invalid UTF-8 gets the session's Error, as on TCP. A
 * message longer than {@code ServerConfig.maxLineBytes} (counted in UTF-8 bytes, without the
 * terminator), or than {@link Session#UNAUTHENTICATED_MAX_LINE} before a needed Auth, gets an
 * Error, then the connection is closed (1009), as on TCP; so does one the fragments budget has no
 * room for (1008).
 *
 * <p><b>One thread at a time.</b> The session is driven from three places: the connection's thread
 * (requests, the client's Close, and the end once it has stopped reading: {@link #gone}), the
 * server asking the session to stop (any thread), and the sweep that ends a connection whose text
 * message stays unfinished past the line timeout ({@link #unfinished}). All take {@link #turn} before touching the
 * session, so {@link Session#handle} and {@link Session#end} never overlap and each sees what the
 * one before did; {@link #ended} makes the end happen exactly once.
 *
 * <p><b>Output.</b> The session's writer calls {@link #write} (never concurrently with itself);
 * each packet line goes out as one text frame, without its newline, and the writer's virtual thread
 * blocks until Helidon has written it to the socket.
 *
 * <p><b>End.</b> However the connection ends (a Close, a dropped TCP connection, Helidon's idle
 * timeout, a protocol error), {@link FrameConnection}'s read loop ends, and its thread calls
 * {@link #gone} on its way out, which ends the session: whatever way the browser goes, it leaves
 * its groups and gives up its name. (This was a second virtual thread per connection, parked in
 * {@code join} on the first for the connection's whole life: about 1.6 KB of an idle WebSocket.)
 *
 * <p><b>Heartbeat.</b> {@link WsRoutes} pings every connection now and then ({@link #heartbeat});
 * browsers answer pings by themselves. The answers keep a quiet browser from Helidon's idle
 * timeout, and a connection that has gone silent (a network that dropped without a word, so the
 * server would otherwise hold the member and its name for as long as TCP takes to give up) is
 * ended.
 */
final class WsBridge implements Sink {
    private final Chat chat;
    private final Set<WsBridge> live;
    private final int maxBytes;
    private final Duration closeGrace;
    private final ReentrantLock turn = new ReentrantLock();
    private final AtomicBoolean closing = new AtomicBoolean();

    // Guarded by turn.
    private Session session;
    private boolean ended;

    /**
     * The longest request the client may send now: the small unauthenticated limit until it has
     * passed Auth (where Auth is needed), as on TCP, then the line limit. The connection's thread only.
     */
    private int lineLimit;

    private volatile FrameConnection ws;
    private volatile Thread connection;
    private volatile boolean tooLong;
    private volatile boolean noMemory;
    private volatile boolean unfinished;
    private volatile String peer = "ws ?";
    /** When anything last arrived from the client (nanoTime). */
    private volatile long lastHeard = System.nanoTime();
    private final AtomicBoolean pinging = new AtomicBoolean();
    /** An unfinished message's ending is on its way (checkUnfinished starts at most one). */
    private final AtomicBoolean ending = new AtomicBoolean();
    /** The session's writer thread while it is inside {@link #write}, else null. */
    private volatile Thread writing;
    /** Called between frames of one write: the write deadline counts from the last frame sent. */
    private Runnable progressed = () -> {};
    private volatile boolean forced;
    /** The client sent a Close frame: our answer goes out on the connection thread, before it ends. */
    private volatile boolean clientClosed;

    /** @param live the open connections, for the heartbeat: joined on open, left when gone */
    WsBridge(Chat chat, Set<WsBridge> live) {
        this.chat = chat;
        this.live = live;
        this.maxBytes = chat.config().maxLineBytes();
        this.closeGrace = chat.config().closeFlushTimeout();
    }

    // ------------------------------------------------------------------ the frame connection's side

    /** The connection is open: a session begins. */
    void opened(FrameConnection ws) {
        this.ws = ws;
        this.connection = Thread.currentThread();
        this.peer = ws.peer();
        turn.lock();
        try {
            session = chat.openSession(this, this::stopInput, peer);
            lineLimit = session.awaitingAuth() ? Math.min(maxBytes, Session.UNAUTHENTICATED_MAX_LINE) : maxBytes;
        } finally {
            turn.unlock();
        }
        live.add(this);
        Log.debug("ws.connected", "peer", peer);
    }

    /** The longest request (in UTF-8 bytes, without a terminator) the client may send now. Connection thread. */
    int lineLimit() {
        return lineLimit;
    }

    /** Something arrived from the client (a frame of any kind). */
    void heard() {
        lastHeard = System.nanoTime();
    }

    /** One whole text message, {@code b[0, len)}, its bytes as sent (at most the limit + 2). */
    void text(byte[] b, int len) {
        turn.lock();
        try {
            if (ended) return;
            request(b, len);
        } finally {
            turn.unlock();
        }
    }

    /** The last frame of a binary message (its bytes were not kept). */
    void binary() {
        turn.lock();
        try {
            if (ended) return;
            session.reply(Codec.encodeError("binary messages are not supported: send each request as a text message"));
        } finally {
            turn.unlock();
        }
    }

    /** A message longer than the limit has begun: as on TCP, an Error, then the connection is closed. */
    void tooLong() {
        turn.lock();
        try {
            tooLongLocked();
        } finally {
            turn.unlock();
        }
    }

    /** The fragments budget had no room for a message: an Error, then the connection is closed (1008). */
    void noMemory() {
        turn.lock();
        try {
            if (ended) return;
            noMemory = true;
            session.endFor(Metrics.CloseReason.MEMORY, Metrics.ErrorKind.MEMORY,
                    "server busy: no memory for this WebSocket message now; closing the connection");
            Log.info("ws.closed", "peer", peer, "reason", "memory", "budget", "fragments");
            finish(true);
        } finally {
            turn.unlock();
        }
    }

    /**
     * A text message begun longer ago than the limit and still not finished: as an unfinished
     * line on TCP, an Error, then the connection is closed (1008); its bytes are given back when
     * the connection ends.
     */
    private void unfinished(Duration limit) {
        turn.lock();
        try {
            FrameConnection s = ws;
            // The message may have been finished while this waited for the turn.
            if (ended || s == null || s.unfinishedSince() == 0) {
                ending.set(false);
                return;
            }
            unfinished = true;
            session.endFor(Metrics.CloseReason.LINE_TIMEOUT, Metrics.ErrorKind.LINE_TIMEOUT,
                    "message unfinished after " + words(limit) + "; closing the connection");
            Log.info("ws.closed", "peer", peer, "reason", "line_timeout", "limit", words(limit));
            finish(true);
        } finally {
            turn.unlock();
        }
    }

    /** {@code 30 s}, or {@code 500 ms} for a limit that is not whole seconds. */
    static String words(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The client broke the protocol; the connection has sent its Close and ends. */
    void protocolError(int code, String reason) {
        Log.info("ws.closed", "peer", peer, "reason", "protocol_error", "code", code, "detail", reason);
        clientClosed = true;
        turn.lock();
        try {
            finish(false);
        } finally {
            turn.unlock();
        }
    }

    /** The client sent a Close frame. */
    void closedByClient() {
        // The client said goodbye: nothing more can reach it, so end without flushing. Our Close
        // answer is sent on this thread, before the connection ends after we return (sent from
        // another thread it could lose that race, and the client would see 1006).
        clientClosed = true;
        turn.lock();
        try {
            finish(false);
        } finally {
            turn.unlock();
        }
    }

    /** One complete text message: one request. Called holding {@link #turn}. */
    private void request(byte[] b, int len) {
        if (len > 0 && b[len - 1] == '\n') {
            len--;
            if (len > 0 && b[len - 1] == '\r') len--;
        }
        if (len > lineLimit) {
            tooLongLocked();
            return;
        }
        boolean blank = true;
        for (int i = 0; i < len; i++) {
            byte c = b[i];
            if (c == '\n') {
                session.reply(Codec.encodeError("a WebSocket message carries one request: line break at byte "
                        + (i + 1) + " (a single one is allowed only at the end)"));
                return;
            }
            if (c != ' ' && c != '\t' && c != '\r') blank = false;
        }
        if (blank) return;
        session.handle(b, 0, len);
        if (lineLimit < maxBytes && !session.awaitingAuth()) lineLimit = maxBytes;
    }

    /** As on TCP: an Error, then the connection is closed. Called holding {@link #turn}. */
    private void tooLongLocked() {
        if (ended) return;
        tooLong = true;
        // As a TCP line over the limit: the Error, and counted under max_line in /metrics. Before
        // Auth the words are TCP's own, so a client sees one answer for the small limit on both.
        String text = lineLimit < maxBytes ? "line too long: the limit is " + lineLimit + " bytes; closing the connection"
                : "message too long: the limit is " + maxBytes + " bytes; closing the connection";
        session.endFor(Metrics.CloseReason.MAX_LINE, Metrics.ErrorKind.MAX_LINE, text);
        Log.info("ws.closed", "peer", peer, "reason", "max_line", "limit", lineLimit);
        finish(true);
    }

    /** Ends the session once; {@code graceful} sends what is queued first. Called holding {@link #turn}. */
    private void finish(boolean graceful) {
        if (ended) return;
        ended = true;
        session.end(graceful);
    }

    /** The session's stopInput: the server wants this session to end (shutdown, say). Any thread. */
    private void stopInput() {
        Thread.ofVirtual().name("parley-ws-stop").start(() -> {
            turn.lock();
            try {
                finish(true);
            } finally {
                turn.unlock();
            }
        });
    }

    /**
     * The connection's thread has stopped reading and is about to end (any way): makes sure the
     * session has ended. Connection thread, from {@link FrameConnection}'s last {@code finally};
     * also after an {@link #opened} that failed before the session began.
     */
    void gone() {
        live.remove(this);
        // An interrupt that ended the read (forceClose, Helidon's idle sweep) must not fail the
        // session's end; it is given back for Helidon's own clean-up after.
        boolean interrupted = Thread.interrupted();
        turn.lock();
        try {
            if (session != null) finish(false);
        } finally {
            turn.unlock();
            if (interrupted) Thread.currentThread().interrupt();
        }
        Log.debug("ws.disconnected", "peer", peer);
    }

    /**
     * Called by {@link WsRoutes} often (a quarter of the limit): ends a connection whose text
     * message began longer than {@code limit} ago and has not ended. From a thread of its own, as
     * it waits for the turn, which the connection's thread may hold while its writer is blocked.
     */
    void checkUnfinished(long now, Duration limit) {
        FrameConnection s = ws;
        if (s == null || closing.get() || unfinished) return;
        long since = s.unfinishedSince();
        // At most one ending in flight: the sweep comes every quarter of the limit, and the
        // connection's thread may hold the turn for a while (a blocked write).
        if (since != 0 && now - since > limit.toNanos() && ending.compareAndSet(false, true)) {
            Thread.ofVirtual().name("parley-ws-unfinished").start(() -> unfinished(limit));
        }
    }

    /**
     * Called by {@link WsRoutes} now and then: ends a connection that has been silent longer than
     * {@code silentLimit}, else pings it. The ping goes from a thread of its own, since it waits
     * for a frame the writer may be blocked in; at most one is in flight per connection.
     */
    void heartbeat(long now, Duration silentLimit) {
        FrameConnection s = ws;
        if (s == null || closing.get()) return;
        if (now - lastHeard > silentLimit.toNanos()) {
            if (!forced) Log.info("ws.closed", "peer", peer, "reason", "silent", "seconds", silentLimit.toSeconds());
            forceClose();
            return;
        }
        if (pinging.compareAndSet(false, true)) {
            Thread.ofVirtual().name("parley-ws-ping").start(() -> {
                try {
                    s.ping();
                } catch (RuntimeException e) {
                    Log.debug("ws.ping_failed", "peer", peer, "error", e.toString());
                } finally {
                    pinging.set(false);
                }
            });
        }
    }

    // ------------------------------------------------------------------ the session's side (Sink)

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
        FrameConnection s = ws;
        int start = off;
        int end = off + len;
        writing = Thread.currentThread();
        try {
            for (int i = off; i < end; i++) {
                if (buf[i] == '\n') {
                    if (start > off) progressed.run(); // the frames before this one went out
                    s.sendText(buf, start, i - start);
                    start = i + 1;
                }
            }
            if (start < end) {
                if (start > off) progressed.run();
                s.sendText(buf, start, end - start);
            }
        } catch (RuntimeException e) {
            throw new IOException("WebSocket write failed: " + e.getMessage(), e);
        } finally {
            writing = null;
        }
    }

    @Override
    public void onProgress(Runnable progressed) {
        this.progressed = progressed;
    }

    /**
     * Ends the connection without the client's help. Interrupting a virtual thread blocked in
     * socket I/O closes the socket: if the writer is stuck sending to a client that does not read,
     * interrupting it fails the write, which ends the session (and releases a reader waiting on the
     * reply backlog). Helidon's {@code close(false)} stops the read loop, interrupting the reader
     * only while it waits for a frame, never while it is inside the session.
     */
    private void forceClose() {
        forced = true;
        Thread w = writing;
        if (w != null) {
            Log.debug("ws.write_interrupted", "peer", peer);
            w.interrupt();
        }
        FrameConnection c = ws;
        if (c != null) c.close(false);
    }

    /**
     * Sends a Close frame; the client answers it and Helidon ends the connection. A client that
     * does not answer within the close-flush timeout + 1 s has its connection ended for it. Never blocks
     * the caller: the frame waits for the writer's frame in flight, which may wait for the client.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        int code;
        String reason;
        if (tooLong) {
            code = WsCloseCodes.TOO_BIG;
            reason = "message too long";
        } else if (noMemory) {
            code = WsCloseCodes.VIOLATED_POLICY;
            reason = "server busy";
        } else if (unfinished) {
            code = WsCloseCodes.VIOLATED_POLICY;
            reason = "message unfinished";
        } else if (chat.isStopping()) {
            code = WsCloseCodes.GOING_AWAY;
            reason = "server shutting down";
        } else {
            code = WsCloseCodes.NORMAL_CLOSE;
            reason = "";
        }
        FrameConnection s = ws;
        Thread t = connection;
        if (clientClosed && Thread.currentThread() == t) {
            try {
                s.close(code, reason);
            } catch (RuntimeException e) {
                Log.debug("ws.close_failed", "peer", peer, "error", e.toString());
            }
            return;
        }
        Thread.ofVirtual().name("parley-ws-close").start(() -> {
            try {
                s.close(code, reason);
            } catch (RuntimeException e) {
                Log.debug("ws.close_failed", "peer", peer, "error", e.toString());
            }
        });
        Thread.ofVirtual().name("parley-ws-close-timer").start(() -> {
            try {
                if (!t.join(closeGrace.plusSeconds(1))) {
                    Log.debug("ws.close_unanswered", "peer", peer);
                    for (int tries = 0; tries < 30; tries++) {
                        forceClose();
                        if (t.join(Duration.ofSeconds(1))) break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
