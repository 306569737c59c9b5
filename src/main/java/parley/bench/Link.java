package parley.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One connection of the bench to the server, over one transport. Publishers send through it and
 * read their replies from it; subscribers over TLS and WebSocket read from it too, while a plain
 * TCP subscriber's channel goes straight to a selector thread ({@link IoLoop}), as it always has.
 */
sealed interface Link permits TcpLink, TlsLink, WsLink {
    /**
     * Sends the whole request lines (each ending in a newline) between the buffer's position and
     * limit, and returns once the transport has taken them; the position ends at the limit.
     */
    void send(ByteBuffer lines) throws IOException;

    /**
     * Starts handing what the server sends to {@code inbound}, on a thread of the link's own (or
     * its library's), until the connection ends, then calls {@link Inbound#ended} once.
     * {@code bufferSize} is the read buffer to use where the link has one.
     */
    void read(Inbound inbound, int bufferSize);

    /** Closes the connection; a thread blocked sending or reading on it is released. */
    void close();

    /** What a link reads, as it arrives: whole lines, or parts of them. */
    interface Inbound {
        /**
         * {@code len} bytes at {@code off}, read at {@code now} ({@link BenchClock}); the array
         * is the link's and is reused once this returns.
         */
        void received(byte[] b, int off, int len, long now);

        /** The connection ended (closed by either side, or failed). */
        void ended();
    }
}
