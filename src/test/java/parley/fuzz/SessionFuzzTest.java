package parley.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import parley.protocol.Codec;
import parley.protocol.FromServer;
import parley.protocol.LineReader;
import parley.protocol.LineTooLongException;
import parley.protocol.ProtocolException;
import parley.net.ChatServer;
import parley.server.ServerConfig;
import parley.server.Session;
import parley.server.Sink;

/**
 * A connection's request handling against arbitrary bytes: the input is framed into lines by the
 * same {@link LineReader} a TCP connection uses, each line goes through a real {@link Session} of
 * an in-process {@link ChatServer} (opened with {@link ChatServer#openSession}, writing to a
 * capturing {@link Sink}), and the session then ends gracefully. Properties, for every input:
 * <ul>
 *   <li>no exception escapes {@link Session#handle} or {@link Session#end};</li>
 *   <li>everything the session wrote is whole packet lines, each a valid reply that re-encodes to
 *       exactly its own bytes;</li>
 *   <li>memory stays bounded: the output is within a fixed bound per request line (the server's
 *       limits are small here), and once the session ends the server holds nothing for it: no
 *       session, no group, no name.</li>
 * </ul>
 */
class SessionFuzzTest {
    /** Small limits, so the fuzzer reaches them: long lines, lag, full history, many groups. */
    private static final ServerConfig CONFIG = ServerConfig.defaults()
            .withAddress(new InetSocketAddress("127.0.0.1", 0))
            .withGroupCapacity(4)
            .withHistory(8, 2048)
            .withMaxLineBytes(512)
            .withMaxGroupsPerConnection(4);
    /** Most output one request line can cause: a Fetch or Join of the full history, or an Error, each line escaped 6x at worst. */
    private static final long MAX_OUTPUT_PER_LINE =
            (CONFIG.historyMessages() + 2L) * (6L * (CONFIG.maxLineBytes() + CONFIG.maxGroupNameChars()) + 256);

    private static ChatServer server;

    @BeforeAll
    static void start() throws IOException {
        server = ChatServer.start(CONFIG);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @FuzzTest(maxDuration = "30s")
    void requests(byte[] input) throws InterruptedException {
        CapturingSink sink = new CapturingSink();
        Session session = server.chat().openSession(sink, () -> { }, "fuzz");
        LineReader lines = new LineReader(Channels.newChannel(new ByteArrayInputStream(input)),
                CONFIG.readBufferBytes(), CONFIG.maxLineBytes());
        int handled = 0;
        try {
            while (lines.next()) {
                if (!lines.lineIsBlank()) {
                    session.handle(lines.array(), lines.lineStart(), lines.lineLength());
                    handled++;
                }
            }
        } catch (LineTooLongException e) {
            session.reply(Codec.encodeError("line too long: the limit is " + e.limit() + " bytes; closing the connection"));
            handled++;
        } catch (IOException e) {
            throw new AssertionError("reading a byte array cannot fail", e);
        } finally {
            session.end(true);
        }

        byte[] out = sink.bytes();
        assertThat(sink.closed).as("transport closed at the end").isTrue();
        assertThat((long) out.length).as("output for %d lines", handled).isLessThanOrEqualTo(handled * MAX_OUTPUT_PER_LINE);
        assertValidReplies(out);

        // Nothing left behind: the session, its groups and its name are gone.
        for (int i = 0; i < 200 && server.connectionCount() > 0; i++) Thread.sleep(5);
        assertThat(server.connectionCount()).as("sessions after end").isZero();
        assertThat(server.groups().size()).as("groups after the only session ended").isZero();
    }

    static void assertValidReplies(byte[] out) {
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] != '\n') continue;
            byte[] line = Arrays.copyOfRange(out, start, i + 1);
            FromServer packet;
            try {
                packet = Codec.decodeReply(line, 0, line.length - 1);
            } catch (ProtocolException e) {
                throw new AssertionError("invalid reply line " + new String(line, java.nio.charset.StandardCharsets.UTF_8)
                        + ": " + e.getMessage());
            }
            assertThat(Codec.encode(packet)).as("re-encoded %s", packet).isEqualTo(line);
            start = i + 1;
        }
        assertThat(start).as("output ends with a whole line").isEqualTo(out.length);
    }

    /** Collects what the session's writer sends; the writer is its only caller. */
    static final class CapturingSink implements Sink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        volatile boolean closed;

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            if (closed) throw new IOException("closed");
            out.write(buf, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }

        synchronized byte[] bytes() {
            return out.toByteArray();
        }
    }
}
