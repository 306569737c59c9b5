package parley.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import parley.protocol.Codec;
import parley.protocol.LineReader;
import parley.protocol.LineTooLongException;

/**
 * A plain TCP client, served by its own virtual thread: read a line, hand it to the
 * {@link Session} (the seed's {@code serve} loop). Only a line over the length limit ends the
 * connection from this side, because the stream cannot be re-synchronised without buffering it.
 */
final class Connection implements Runnable {
    private final SocketChannel socket;
    private final ServerConfig config;
    private final Session session;
    private final String peer;
    /** Set when the server stops this connection: lines still buffered or half-sent are not acted on. */
    private volatile boolean stopped;

    Connection(ChatServer server, SocketChannel socket) {
        this.socket = socket;
        this.config = server.config();
        this.peer = peerOf(socket);
        this.session = new Session(server, new ChannelSink(socket), this::stopReading, peer);
    }

    Session session() {
        return session;
    }

    @Override
    public void run() {
        boolean graceful = true;
        try {
            LineReader lines = new LineReader(socket, config.readBufferBytes(), config.maxLineBytes());
            while (lines.next() && !stopped) {
                if (!lines.lineIsBlank()) {
                    session.handle(lines.array(), lines.lineStart(), lines.lineLength());
                }
            }
        } catch (LineTooLongException e) {
            session.reply(Codec.encodeError("line too long: the limit is " + e.limit()
                    + " bytes; closing the connection"));
            Log.info(peer + " closed: line over " + e.limit() + " bytes");
            closeCleanly();
        } catch (ClosedChannelException e) {
            graceful = false; // closed by us: shutdown, or the writer found the socket dead
        } catch (IOException e) {
            graceful = false;
            Log.debug(peer + " read failed: " + e);
        } catch (RuntimeException | Error e) {
            graceful = false;
            Log.error(peer + " connection failed", e);
        } finally {
            session.end(graceful);
        }
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
            java.nio.ByteBuffer sink = java.nio.ByteBuffer.allocate(8192);
            long discarded = 0;
            while (discarded < (1 << 20) && socket.read(sink.clear()) >= 0) {
                discarded += sink.position();
            }
            timer.interrupt();
        } catch (IOException ignored) {
            // the client went away first: nothing left to be clean about
        }
    }

    private void stopReading() {
        stopped = true;
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
