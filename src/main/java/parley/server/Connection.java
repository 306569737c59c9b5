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
            while (lines.next()) {
                if (!lines.lineIsBlank()) {
                    session.handle(lines.array(), lines.lineStart(), lines.lineLength());
                }
            }
        } catch (LineTooLongException e) {
            session.reply(Codec.encodeError("line too long: the limit is " + e.limit()
                    + " bytes; closing the connection"));
            Log.info(peer + " closed: line over " + e.limit() + " bytes");
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

    private void stopReading() {
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
